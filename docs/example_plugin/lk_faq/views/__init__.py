"""The plugin's pages: ``resident`` (the questions page). Staff need no
pages of their own: the admin is generated from the schema."""
