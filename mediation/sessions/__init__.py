"""Live mediation sessions: the joint room and the private caucuses over
WebSockets (mediation/consumers.py), offers and double-blind bidding,
moderation, attachments and transcripts. The wire protocol is in docs/sessions.md."""
