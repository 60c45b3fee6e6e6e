"""Documents peerplan writes: the offline Word review form, consolidated reviews."""
