"""The reviewer portal (FastAPI): personal links, rubric forms, Word forms, plan upload."""

from review.portal.app import create_app

__all__ = ["create_app"]
