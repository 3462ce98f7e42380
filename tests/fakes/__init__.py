"""Local fakes of the remote APIs (Twilio, Telegram) for tests: real HTTP on 127.0.0.1."""
