"""The terminal app (Textual): screens, widgets and the messages workers post to them."""
