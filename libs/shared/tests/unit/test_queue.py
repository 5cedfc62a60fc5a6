import pytest
from fakes import FakeRedis
from shared import queue as queue_module
from shared.queue import JobQueue


def test_push_pop_is_fifo_and_json():
    q = JobQueue(FakeRedis(), "q")
    q.push({"id": "1", "n": [1, 2]})
    q.push({"id": "2"})
    assert len(q) == 2
    assert q.pop() == {"id": "1", "n": [1, 2]}
    assert q.pop(timeout=1) == {"id": "2"}
    assert q.pop() is None
    assert q.pop(timeout=1) is None


def test_non_object_message_is_rejected():
    fake = FakeRedis()
    fake.lpush("q", "[1, 2]")
    with pytest.raises(TypeError):
        JobQueue(fake, "q").pop()


def test_empty_queue_name_is_rejected():
    with pytest.raises(ValueError):
        JobQueue(FakeRedis(), "")


class _Pool:
    def __init__(self, socket_timeout):
        self.connection_kwargs = {"socket_timeout": socket_timeout}


class RecordingRedis(FakeRedis):
    def __init__(self, socket_timeout):
        super().__init__()
        self.connection_pool = _Pool(socket_timeout)
        self.brpop_timeouts = []

    def brpop(self, names, timeout=0):
        self.brpop_timeouts.append(timeout)
        return super().brpop(names, timeout)


def test_blocking_pop_is_capped_below_socket_timeout():
    client = RecordingRedis(socket_timeout=5)
    q = JobQueue(client, "q")
    assert q.max_block == 4
    assert q.pop(timeout=30) is None
    assert q.pop(timeout=2) is None
    assert client.brpop_timeouts == [4, 2]
    assert JobQueue(RecordingRedis(None), "q").max_block is None


def test_connect_sets_socket_timeout_above_default_block():
    client = queue_module.connect("redis://127.0.0.1:1/0")  # no I/O until a command
    assert (
        client.connection_pool.connection_kwargs["socket_timeout"]
        == queue_module.SOCKET_TIMEOUT
    )
