"""What a round's coordinator has beyond the Prefect UI: a personal link to the round's page on
the portal (`access`), what that page shows (`round_page`, `mailbox`), and the controls that act
on a whole round or plan (`controls`, over the assignment operations of `review.lifecycle`)."""
