"""Plugin management: the hook manager scoped per organisation, the frozen
declarations plugins return, the typed registry of what they declared, and
event delivery."""
