"""What is read back: recaps, a member's goal history, evaluation against scripts."""
