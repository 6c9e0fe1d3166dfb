"""Thread workers return results; one handler per screen family turns them (or their SetupError) into UI."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from zendesk_setup.core.errors import SetupError


def as_setup_error(error: BaseException | None) -> SetupError:
    """A worker's error as a SetupError: a bug becomes one plain sentence, never a traceback on screen."""
    if isinstance(error, SetupError):
        return error
    return SetupError(f"Something failed unexpectedly ({type(error).__name__}); nothing more was changed.")


class WorkerResults:
    """Mixin for screens whose thread workers return results: one handler routes success and failure.

    A worker named ``check`` that returns calls ``on_check_done(result)``; one that raises calls
    ``on_check_failed(error)`` with a SetupError. Thread workers never touch widgets themselves.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Hand a finished worker's result or error to the screen's handler for that worker."""
        worker = event.worker
        if event.state == WorkerState.SUCCESS:
            handler = getattr(self, f"on_{worker.name}_done", None)
            if handler is not None:
                handler(worker.result)
        elif event.state == WorkerState.ERROR:
            handler = getattr(self, f"on_{worker.name}_failed", None)
            if handler is not None:
                handler(as_setup_error(worker.error))
