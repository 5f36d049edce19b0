"""Small widgets for the meeting screens: countdown bar, level meter, talk time."""
