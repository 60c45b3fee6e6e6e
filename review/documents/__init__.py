"""Documents peerplan writes: the offline Word review form, the consolidated review per plan, the
round summary, exports and PDF copies."""
