"""Every way people reach Wegwijs. Each channel forwards to Rasa through `rasa_client`."""
