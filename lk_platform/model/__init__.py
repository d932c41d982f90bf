"""The persistent model: the platform root, organisations, folders, users,
personal accounts, custom fields, login sessions, the audit log, change
counters and evolve records. Nothing here imports the plugin manager or
reads the request beyond what a view hands it."""
