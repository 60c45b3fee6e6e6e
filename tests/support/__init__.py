"""What several test folders share: rows and rounds to test with (factories, review_data,
reviewing_data), plan files made on the fly (plan_files), a real SMTP server (notify), the portal
seen by a reviewer (portal_client), a Word form filled in (word_form) and the intake's findings
of a plan (findings). Tests import them from here; fixtures stay in conftest.py."""
