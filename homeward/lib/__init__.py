"""Small helpers shared by the apps; nothing here knows about persons or parties."""
