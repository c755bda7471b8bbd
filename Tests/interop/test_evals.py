"""Evals with the official SDK: an eval's life (create, retrieve, update, list, delete), runs over
inline items and over an uploaded JSONL file on the virtual clock, graded output items,
cancel, and the errors the SDK raises."""
from __future__ import annotations

import json

import openai
import pytest

from harness import SimServer, assert_request_id

QA = [("Capital of France?", "Paris"), ("Capital of Japan?", "Tokyo"), ("Capital of Peru?", "Lima")]


def make_eval(client: openai.OpenAI, name: str = "capitals"):
    return client.evals.create(
        name=name,
        metadata={"team": "geo"},
        data_source_config={"type": "custom", "include_sample_schema": True,
                            "item_schema": {"type": "object", "properties": {"question": {"type": "string"},
                                                                             "answer": {"type": "string"}}}},
        testing_criteria=[
            {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}",
             "reference": "{{item.answer}}", "operation": "eq"},
            {"type": "text_similarity", "name": "close", "input": "{{sample.output_text}}",
             "reference": "{{item.answer}}", "evaluation_metric": "fuzzy_match", "pass_threshold": 0.8},
        ],
    )


def finish(client: openai.OpenAI, sim: SimServer, eval_id: str, run_id: str):
    seen = []
    for _ in range(100):
        run = client.evals.runs.retrieve(run_id, eval_id=eval_id)
        if not seen or seen[-1] != run.status:
            seen.append(run.status)
        if run.status in ("completed", "canceled", "failed"):
            return run, seen
        sim.advance(1)
    raise AssertionError(f"run {run_id} never finished: {seen}")


def test_eval_lifecycle(client: openai.OpenAI) -> None:
    ev = make_eval(client)
    assert_request_id(ev)
    assert ev.id.startswith("eval_") and ev.object == "eval" and ev.name == "capitals"
    assert ev.metadata == {"team": "geo"}
    assert ev.data_source_config.type == "custom"
    assert ev.data_source_config.schema_["required"] == ["item", "sample"]
    ids = [c.id for c in ev.testing_criteria]  # type: ignore[union-attr]
    assert ids[0].startswith("exact-") and ids[1].startswith("close-")
    assert client.evals.retrieve(ev.id).testing_criteria[0].operation == "eq"  # type: ignore[union-attr]

    updated = client.evals.update(ev.id, name="capitals v2", metadata={"team": "atlas"})
    assert updated.name == "capitals v2" and updated.metadata == {"team": "atlas"}
    others = [make_eval(client, f"extra {i}").id for i in range(2)]
    listed = [e.id for e in client.evals.list(limit=1)]  # auto-paginates one at a time
    assert listed[:3] == [ev.id] + others
    newest_first = [e.id for e in client.evals.list(order="desc", limit=10)]
    assert newest_first[:3] == list(reversed([ev.id] + others))

    deleted = client.evals.delete(ev.id)
    assert deleted.deleted is True and deleted.eval_id == ev.id
    with pytest.raises(openai.NotFoundError):
        client.evals.retrieve(ev.id)


def test_completions_run_samples_and_grades_every_item_on_the_clock(client: openai.OpenAI, sim: SimServer) -> None:
    ev = make_eval(client)
    run = client.evals.runs.create(
        ev.id, name="gpt-4o-mini capitals",
        data_source={"type": "completions", "model": "gpt-4o-mini",
                     "input_messages": {"type": "template", "template": [
                         {"role": "developer", "content": "Answer with the city name only."},
                         {"type": "message", "role": "user", "content": {"type": "input_text", "text": "{{item.question}}"}}]},
                     "sampling_params": {"temperature": 0.2, "max_completion_tokens": 50, "seed": 7},
                     "source": {"type": "file_content", "content": [{"item": {"question": q, "answer": a}} for q, a in QA]}},
    )
    assert run.id.startswith("evalrun_") and run.status == "queued" and run.eval_id == ev.id
    assert run.result_counts.total == 0
    done, seen = finish(client, sim, ev.id, run.id)
    assert seen[0] == "queued" and seen[-1] == "completed"
    counts = done.result_counts
    assert counts.total == len(QA) and counts.errored == 0 and counts.passed + counts.failed == len(QA)
    assert [u.model_name for u in done.per_model_usage] == ["gpt-4o-mini"]
    usage = done.per_model_usage[0]
    assert usage.invocation_count == len(QA) and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens > 0
    criteria = [c.id for c in ev.testing_criteria]  # type: ignore[union-attr]
    assert [r.testing_criteria for r in done.per_testing_criteria_results] == criteria

    items = list(client.evals.runs.output_items.list(run.id, eval_id=ev.id, limit=2))
    assert [i.datasource_item_id for i in items] == [0, 1, 2]
    for i, (q, a) in zip(items, QA):
        assert i.datasource_item == {"question": q, "answer": a}
        assert i.sample.input[1].content == q and i.sample.input[1].role == "user"
        assert i.sample.seed == 7 and i.sample.max_completion_tokens == 50 and i.sample.temperature == 0.2
        text = i.sample.output[0].content
        exact = next(r for r in i.results if r.name == criteria[0])
        assert exact.passed == (text == a) and exact.score == (1.0 if text == a else 0.0)
        assert i.status == ("pass" if all(r.passed for r in i.results) else "fail")
    one = client.evals.runs.output_items.retrieve(items[1].id, eval_id=ev.id, run_id=run.id)
    assert one.id == items[1].id and one.sample.output[0].content == items[1].sample.output[0].content
    failed = list(client.evals.runs.output_items.list(run.id, eval_id=ev.id, status="fail"))
    assert len(failed) == counts.failed


def test_jsonl_run_grades_given_samples(client: openai.OpenAI, sim: SimServer) -> None:
    ev = make_eval(client)
    rows = [{"item": {"question": q, "answer": a}, "sample": {"output_text": out, "model": "recorded"}}
            for (q, a), out in zip(QA, ["Paris", "Kyoto", "Lima"])]
    data = ("\n".join(json.dumps(r) for r in rows) + "\n").encode()
    file_id = client.files.create(file=("answers.jsonl", data), purpose="evals").id
    run = client.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {"type": "file_id", "id": file_id}})
    done, _ = finish(client, sim, ev.id, run.id)
    assert (done.result_counts.total, done.result_counts.passed, done.result_counts.failed) == (3, 2, 1)
    exact, close = done.per_testing_criteria_results
    assert (exact.passed, exact.failed) == (2, 1)
    # "Kyoto" and "Tokyo" share 2 letters in order ("yo"): 2 * 2 / 10 = 0.4, below the 0.8 threshold.
    assert (close.passed, close.failed) == (2, 1)
    items = list(client.evals.runs.output_items.list(run.id, eval_id=ev.id))
    assert [i.status for i in items] == ["pass", "fail", "pass"]
    assert items[1].sample.output[0].content == "Kyoto"


def test_cancel_keeps_the_items_done_so_far(client: openai.OpenAI, sim: SimServer) -> None:
    ev = make_eval(client)
    content = [{"item": {"question": f"q{i}", "answer": "a"}, "sample": {"output_text": "a"}} for i in range(20)]
    run = client.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {"type": "file_content", "content": content}})
    sim.advance(2)  # queued for 1 s, then 0.2 s per item: 5 items done
    canceled = client.evals.runs.cancel(run.id, eval_id=ev.id)
    assert canceled.status == "canceled"
    assert 0 < canceled.result_counts.total < 20
    sim.advance(60)
    later = client.evals.runs.retrieve(run.id, eval_id=ev.id)
    assert later.status == "canceled" and later.result_counts.total == canceled.result_counts.total
    assert [r.id for r in client.evals.runs.list(ev.id, status="canceled")] == [run.id]
    with pytest.raises(openai.BadRequestError):
        client.evals.runs.cancel(run.id, eval_id=ev.id)
    gone = client.evals.runs.delete(run.id, eval_id=ev.id)
    assert gone.deleted is True and gone.run_id == run.id
    with pytest.raises(openai.NotFoundError):
        client.evals.runs.retrieve(run.id, eval_id=ev.id)


def test_eval_errors_name_the_param(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.evals.create(data_source_config={"type": "custom", "item_schema": {}},
                            testing_criteria=[{"type": "string_check", "name": "x", "input": "a", "reference": "b",
                                               "operation": "starts_with"}])
    assert e.value.body["param"] == "testing_criteria[0].operation"
    with pytest.raises(openai.BadRequestError) as e:
        client.evals.create(data_source_config={"type": "custom"}, testing_criteria=[])  # type: ignore[typeddict-item]
    assert e.value.body["param"] == "data_source_config.item_schema"
    ev = make_eval(client)
    with pytest.raises(openai.NotFoundError) as nf:
        client.evals.runs.create(ev.id, data_source={"type": "completions", "model": "gpt-nope",
                                                      "input_messages": {"type": "item_reference", "item_reference": "item.messages"},
                                                      "source": {"type": "file_content", "content": [{"item": {"messages": []}}]}})
    assert nf.value.body["code"] == "model_not_found"
    with pytest.raises(openai.BadRequestError) as e:
        client.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {"type": "file_content", "content": []}})
    assert e.value.body["param"] == "data_source.source"
    with pytest.raises(openai.NotFoundError):
        client.evals.runs.list("eval_does_not_exist")


LABEL_GRADER = 'def grade(sample, item):\n    return 1.0 if sample["output_text"] == item["answer"] else 0.0\n'


def test_python_graders_run_with_python_graders(start_server) -> None:  # noqa: ANN001
    """serve --python-graders runs a python grader's grade(sample, item) for real: in an eval run
    (one interpreter for every item) and in the fine-tuning graders endpoint, errors included.
    Without the flag they are reported as not run (the default server of the other tests)."""
    sim = start_server(extra_args=("--python-graders", "--python-timeout", "5"))
    c = sim.client(api_key="sk-interop-python-graders")
    ev = c.evals.create(name="py", data_source_config={"type": "custom", "include_sample_schema": True,
                                                       "item_schema": {"type": "object", "properties": {"answer": {"type": "string"}}}},
                        testing_criteria=[{"type": "python", "name": "label", "source": LABEL_GRADER, "pass_threshold": 0.5}])
    rows = [{"item": {"answer": a}, "sample": {"output_text": out}} for a, out in [("Paris", "Paris"), ("Tokyo", "Kyoto")]]
    run = c.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {"type": "file_content", "content": rows}})
    done, _ = finish(c, sim, ev.id, run.id)
    assert (done.result_counts.passed, done.result_counts.failed) == (1, 1)
    items = list(c.evals.runs.output_items.list(run.id, eval_id=ev.id))
    assert [i.results[0].score for i in items] == [1.0, 0.0]

    g = c.fine_tuning.alpha.graders.run(grader={"type": "python", "name": "label", "source": LABEL_GRADER},
                                        item={"answer": "cat"}, model_sample="cat")
    assert g.reward == 1.0 and not g.metadata.errors.python_grader_server_error
    raised = c.fine_tuning.alpha.graders.run(grader={"type": "python", "name": "x", "source": "def grade(s, i):\n    return s['nope']\n"},
                                             model_sample="cat")
    assert raised.reward == 0 and raised.metadata.errors.python_grader_runtime_error
    assert "KeyError" in (raised.metadata.errors.python_grader_runtime_error_details or "")
    multi = {"type": "multi", "name": "m", "calculate_output": "0.5 * py + 0.5 * exact",
             "graders": {"py": {"type": "python", "name": "py", "source": LABEL_GRADER},
                         "exact": {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}",
                                   "reference": "{{item.answer}}", "operation": "eq"}}}
    assert c.fine_tuning.alpha.graders.run(grader=multi, item={"answer": "cat"}, model_sample="cat").reward == 1.0


SLOW_GRADER = 'import time\ndef grade(sample, item):\n    time.sleep(2.5)\n    return 1.0\n'


def test_slow_python_graders_do_not_hold_the_server(start_server) -> None:  # noqa: ANN001
    """Python runs on a worker thread: two slow graders at once (the daemon has two threads)
    leave the server answering other requests at once, and each answers when its python is done."""
    import threading
    import time
    sim = start_server(extra_args=("--python-graders", "--python-timeout", "8"))
    c = sim.client(api_key="sk-interop-slow-python", timeout=30.0)
    results: list = []

    def slow() -> None:
        results.append(c.fine_tuning.alpha.graders.run(grader={"type": "python", "name": "slow", "source": SLOW_GRADER},
                                                       model_sample="x"))

    workers = [threading.Thread(target=slow) for _ in range(2)]
    started = time.monotonic()
    for w in workers:
        w.start()
    time.sleep(0.5)  # both are running their python by now
    t0 = time.monotonic()
    assert c.models.retrieve("gpt-4.1-mini").id == "gpt-4.1-mini"
    quick = time.monotonic() - t0
    for w in workers:
        w.join()
    assert quick < 1.0, f"a plain request waited {quick:.2f} s behind two python graders"
    both = time.monotonic() - started
    assert len(results) == 2 and all(r.reward == 1.0 for r in results)
    # Side by side, not one after the other on one daemon thread.
    assert 2.5 <= both < 4.5, f"two 2.5 s graders took {both:.2f} s"


def test_python_graders_are_not_run_by_default(client: openai.OpenAI) -> None:
    g = client.fine_tuning.alpha.graders.run(grader={"type": "python", "name": "label", "source": LABEL_GRADER},
                                             item={"answer": "cat"}, model_sample="cat")
    assert g.reward == 0 and g.metadata.errors.python_grader_server_error_type == "not_simulated"


NETWORK_GRADER = '''import os, socket
def grade(sample, item):
    a, b = socket.socketpair()  # local IPC still works
    a.sendall(b"x")
    assert b.recv(1) == b"x"
    try:
        socket.create_connection(("127.0.0.1", int(item["port"])), timeout=2).close()
        return 1.0
    except OSError as e:
        assert "no network access" in str(e), str(e)
    with open("scratch.txt", "w") as f:
        f.write("x")
    return 0.5 if os.getcwd().startswith(os.path.realpath(os.environ.get("TMPDIR", "/tmp"))) else 0.25
'''


def test_python_graders_have_no_network_and_a_scratch_directory(start_server) -> None:  # noqa: ANN001
    """As on the API, a python grader cannot reach the network: connecting to the simulator
    itself fails inside grade(); files it writes land in a temporary directory of its own,
    not in the server's working directory (removed when the grader is done)."""
    import glob
    import os
    from urllib.parse import urlparse
    sim = start_server(extra_args=("--python-graders", "--python-timeout", "8"))
    c = sim.client(api_key="sk-interop-python-network")
    tmp = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
    before = set(glob.glob(os.path.join(tmp, "openai-sim-grader-*")))
    g = c.fine_tuning.alpha.graders.run(grader={"type": "python", "name": "net", "source": NETWORK_GRADER},
                                        item={"port": str(urlparse(sim.base_url).port)}, model_sample="x")
    assert not g.metadata.errors.python_grader_runtime_error, g.metadata.errors.python_grader_runtime_error_details
    assert g.reward == 0.5
    assert not os.path.exists("scratch.txt")
    assert set(glob.glob(os.path.join(tmp, "openai-sim-grader-*"))) == before, "the grader's directory is removed"
