"""The UI-free core of zendesk-setup: nothing here imports Textual."""
