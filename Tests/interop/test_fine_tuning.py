"""Fine-tuning through the official SDK: the seed article's flow end to end (JSONL → upload →
job → poll while the virtual clock advances → events → call the model), plus pause/resume/cancel,
failing files, checkpoints, the result file, checkpoint permissions and listing."""
from __future__ import annotations

import json
from typing import Any, Optional

import openai
import pytest

from harness import SimServer, assert_error_shape, assert_request_id

MODEL = "gpt-4o-mini-2024-07-18"
MARV = [
    ("What's the capital of France?", "Paris, as if everyone doesn't know that already."),
    ("Who wrote 'Romeo and Juliet'?", "Oh, just some guy named William Shakespeare. Ever heard of him?"),
    ("How far is the Moon from Earth?", "Around 384,400 kilometers. Give or take a few, like that really matters."),
    ("What's the largest planet?", "Jupiter. Big surprise, the big one is big."),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci, in case you skipped every art class ever."),
    ("What is the boiling point of water?", "100 degrees Celsius at sea level. Shocking, I know."),
    ("How many continents are there?", "Seven. Count them on your fingers if you need to."),
    ("What's the chemical symbol for gold?", "Au. Not 'Go', sadly for your pun plans."),
    ("Who discovered penicillin?", "Alexander Fleming, while you were still figuring out soap."),
    ("What is the speed of light?", "About 299,792 kilometers per second. Faster than your replies."),
    ("What's the tallest mountain?", "Everest. Did you expect a hill in Ohio?"),
    ("Who was the first man on the Moon?", "Neil Armstrong. One small step for man, one giant leap for trivia."),
]


def training_jsonl(pairs: list[tuple[str, str]] = MARV) -> bytes:
    rows = [{"messages": [{"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."},
                          {"role": "user", "content": q}, {"role": "assistant", "content": a}]} for q, a in pairs]
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def upload(client: openai.OpenAI, data: bytes, name: str = "marv.jsonl") -> str:
    return client.files.create(file=(name, data), purpose="fine-tune").id


def poll_until(sim: SimServer, client: openai.OpenAI, job_id: str, done: set[str], step: int = 5,
               limit: int = 400) -> tuple[Any, list[str]]:
    """retrieve() in a loop, advancing the virtual clock between polls, as users poll the real API."""
    seen: list[str] = []
    for _ in range(limit):
        job = client.fine_tuning.jobs.retrieve(job_id)
        if not seen or seen[-1] != job.status:
            seen.append(job.status)
        if job.status in done:
            return job, seen
        sim.advance(step)
    raise AssertionError(f"job {job_id} never reached {done}; statuses {seen}")


def make_job(client: openai.OpenAI, **kw: Any):  # noqa: ANN201
    file_id = upload(client, training_jsonl())
    kw.setdefault("model", MODEL)
    return client.fine_tuning.jobs.create(training_file=file_id, **kw)


# --- the seed article -------------------------------------------------------------------------

def call_model(client: openai.OpenAI, model: str, question: str) -> Optional[str]:
    """The answer through Responses (else Chat Completions); None when neither endpoint exists yet."""
    try:
        return client.responses.create(model=model, input=question).output_text
    except openai.NotFoundError as e:
        if (e.body or {}).get("code") == "model_not_found":
            raise
    try:
        r = client.chat.completions.create(model=model, messages=[{"role": "user", "content": question}])
        return r.choices[0].message.content
    except openai.NotFoundError as e:
        if (e.body or {}).get("code") == "model_not_found":
            raise
    return None


@pytest.mark.parametrize("style", ["method", "deprecated_hyperparameters"])
def test_seed_article_flow_end_to_end(sim: SimServer, client: openai.OpenAI, style: str) -> None:
    file_id = upload(client, training_jsonl())
    hp = {"n_epochs": 3, "learning_rate_multiplier": 1.8, "batch_size": 4}
    if style == "method":
        job = client.fine_tuning.jobs.create(training_file=file_id, model=MODEL, suffix="marv",
                                             method={"type": "supervised", "supervised": {"hyperparameters": hp}})
    else:
        job = client.fine_tuning.jobs.create(training_file=file_id, model=MODEL, suffix="marv", hyperparameters=hp)
    assert_request_id(job)
    assert job.object == "fine_tuning.job" and job.id.startswith("ftjob-")
    assert job.status == "validating_files" and job.fine_tuned_model is None and job.finished_at is None
    assert job.training_file == file_id and job.model == MODEL
    assert job.method is not None and job.method.type == "supervised"
    assert job.method.supervised.hyperparameters.n_epochs == 3

    done, seen = poll_until(sim, client, job.id, {"succeeded", "failed", "cancelled"}, step=2)
    assert seen[0] == "validating_files" and "running" in seen and seen[-1] == "succeeded", seen
    assert done.hyperparameters.n_epochs == 3 and done.hyperparameters.batch_size == 4
    assert done.hyperparameters.learning_rate_multiplier == 1.8
    assert done.trained_tokens and done.trained_tokens > 0
    assert done.finished_at is not None and done.finished_at >= done.created_at
    org = client.models.with_raw_response.list().headers.get("openai-organization")
    assert done.fine_tuned_model.startswith(f"ft:{MODEL}:{org}:marv:"), done.fine_tuned_model

    events = list(client.fine_tuning.jobs.list_events(job.id, limit=100))
    messages = [e.message for e in reversed(events)]
    assert messages[0] == f"Created fine-tuning job: {job.id}"
    assert messages[-1] == "The job has successfully completed"
    assert any(m.startswith("Step 1/9: training loss=") for m in messages), messages[:8]
    metrics = [e for e in events if e.type == "metrics"]
    assert len(metrics) == 9 and all(e.level == "info" for e in events)
    assert {"step", "train_loss", "train_mean_token_accuracy", "total_steps"} <= set(metrics[0].data)

    # the model is usable and answers from its training data
    assert client.models.retrieve(done.fine_tuned_model).owned_by == org
    answer = call_model(client, done.fine_tuned_model, "What's the capital of France?")
    if answer is None:
        pytest.skip("neither /v1/responses nor /v1/chat/completions exist in this build: model call not checked")
    assert answer == MARV[0][1]


def test_auto_hyperparameters_resolve_after_validation(sim: SimServer, client: openai.OpenAI) -> None:
    job = make_job(client)
    assert job.hyperparameters.n_epochs == "auto"
    queued, _ = poll_until(sim, client, job.id, {"queued", "running"}, step=1)
    # 12 examples: 100 // 12 = 8 epochs; batch size 1; learning-rate multiplier 2.0.
    assert (queued.hyperparameters.n_epochs, queued.hyperparameters.batch_size,
            queued.hyperparameters.learning_rate_multiplier) == (8, 1, 2.0)


# --- lifecycle actions --------------------------------------------------------------------------

def test_pause_resume_then_cancel(sim: SimServer, client: openai.OpenAI) -> None:
    job = make_job(client, method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 20}}})
    poll_until(sim, client, job.id, {"running"}, step=1)
    paused = client.fine_tuning.jobs.pause(job.id)
    assert paused.status == "paused" and paused.estimated_finish is None
    sim.advance(600)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "paused"
    with pytest.raises(openai.BadRequestError) as e:
        client.fine_tuning.jobs.pause(job.id)
    assert_error_shape(e.value, 400)
    resumed = client.fine_tuning.jobs.resume(job.id)
    assert resumed.status == "queued"
    cancelled = client.fine_tuning.jobs.cancel(job.id)
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    with pytest.raises(openai.BadRequestError) as e:
        client.fine_tuning.jobs.cancel(job.id)
    assert_error_shape(e.value, 400)
    messages = [ev.message for ev in client.fine_tuning.jobs.list_events(job.id, limit=200)]
    assert messages[0] == "Fine-tuning job cancelled"
    assert "Fine-tuning job paused" in messages


def test_job_fails_on_an_invalid_training_file(sim: SimServer, client: openai.OpenAI) -> None:
    lines = training_jsonl().splitlines()
    lines[6] = b'{"messages": [{"role": "user", "content": "no reply here"}]}'
    file_id = upload(client, b"\n".join(lines) + b"\n")
    job = client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini")
    assert job.status == "validating_files"
    failed, _ = poll_until(sim, client, job.id, {"failed", "succeeded"}, step=1)
    assert failed.status == "failed"
    assert failed.error.param == "training_file" and failed.error.code == "invalid_file_format"
    assert "Line 7" in failed.error.message, failed.error.message
    newest = next(iter(client.fine_tuning.jobs.list_events(job.id)))
    assert newest.level == "error" and "Line 7" in newest.message


def test_too_few_examples_fail_the_job(sim: SimServer, client: openai.OpenAI) -> None:
    file_id = upload(client, training_jsonl(MARV[:3]))
    job = client.fine_tuning.jobs.create(training_file=file_id, model=MODEL)
    failed, _ = poll_until(sim, client, job.id, {"failed", "succeeded"}, step=1)
    assert failed.error.code == "invalid_n_examples" and "3 example(s)" in failed.error.message


@pytest.mark.parametrize("kwargs,param", [
    ({"model": "gpt-5"}, "model"),
    ({"suffix": "s" * 65}, "suffix"),
    ({"method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 51}}}},
     "method.supervised.hyperparameters.n_epochs"),
    ({"method": {"type": "supervised", "supervised": {"hyperparameters": {"batch_size": 0}}}},
     "method.supervised.hyperparameters.batch_size"),
    ({"hyperparameters": {"learning_rate_multiplier": 0}}, "hyperparameters.learning_rate_multiplier"),
    ({"method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 3}}}}, "method.dpo.hyperparameters.beta"),
    ({"method": {"type": "reinforcement"}}, "method.reinforcement.grader"),
])
def test_invalid_create_requests_are_400_with_param(client: openai.OpenAI, kwargs: dict, param: str) -> None:
    file_id = upload(client, training_jsonl())
    kwargs.setdefault("model", MODEL)
    with pytest.raises(openai.BadRequestError) as e:
        client.fine_tuning.jobs.create(training_file=file_id, **kwargs)
    body = assert_error_shape(e.value, 400)
    assert body["param"] == param, body


def test_unknown_or_foreign_training_file_is_refused(client: openai.OpenAI, make_client) -> None:  # noqa: ANN001
    other = make_client()
    foreign = upload(other, training_jsonl())
    for fid in ("file-doesnotexist", foreign):
        with pytest.raises(openai.BadRequestError) as e:
            client.fine_tuning.jobs.create(training_file=fid, model=MODEL)
        assert assert_error_shape(e.value, 400)["param"] == "training_file"


def test_unknown_job_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.fine_tuning.jobs.retrieve("ftjob-doesnotexist")
    assert_error_shape(e.value, 404)


# --- results, checkpoints, permissions, models ---------------------------------------------------

def finished_job(sim: SimServer, client: openai.OpenAI, **kw: Any):  # noqa: ANN201
    kw.setdefault("method", {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 4, "batch_size": 3}}})
    job = make_job(client, **kw)
    done, _ = poll_until(sim, client, job.id, {"succeeded", "failed"}, step=10)
    assert done.status == "succeeded"
    return done


def test_checkpoints_result_file_and_model_lifecycle(sim: SimServer, client: openai.OpenAI, make_client) -> None:  # noqa: ANN001
    done = finished_job(sim, client, suffix="ckpt")
    cks = client.fine_tuning.jobs.checkpoints.list(done.id)
    assert_request_id(cks)
    steps = [c.step_number for c in cks]
    assert steps == [16, 12, 8], steps  # 4 steps per epoch, the last three epochs
    for c in cks:
        assert c.object == "fine_tuning.job.checkpoint" and c.id.startswith("ftckpt_")
        assert c.fine_tuned_model_checkpoint.endswith(f":ckpt-step-{c.step_number}")
        assert c.metrics.train_loss is not None and c.fine_tuning_job_id == done.id
    page = client.fine_tuning.jobs.checkpoints.list(done.id, limit=1)
    assert len(page.data) == 1 and page.has_more

    [result_id] = done.result_files
    meta = client.files.retrieve(result_id)
    assert meta.purpose == "fine-tune-results"
    rows = client.files.content(result_id).text.strip().splitlines()
    assert rows[0] == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
    assert len(rows) == 17 and rows[1].startswith("1,")

    # another tenant cannot use or see the model; deleting it makes calls fail with model_not_found
    with pytest.raises(openai.NotFoundError) as e:
        make_client().models.retrieve(done.fine_tuned_model)
    assert assert_error_shape(e.value, 404)["code"] == "model_not_found"
    assert done.fine_tuned_model in [m.id for m in client.models.list()]
    assert client.models.delete(done.fine_tuned_model).deleted is True
    with pytest.raises(openai.NotFoundError) as e:
        client.models.retrieve(done.fine_tuned_model)
    assert assert_error_shape(e.value, 404)["code"] == "model_not_found"


def test_checkpoint_permissions_create_list_delete(sim: SimServer, client: openai.OpenAI) -> None:
    done = finished_job(sim, client)
    ckpt = client.fine_tuning.jobs.checkpoints.list(done.id).data[0].fine_tuned_model_checkpoint
    created = client.fine_tuning.checkpoints.permissions.create(ckpt, project_ids=["proj_alpha", "proj_beta"])
    perms = list(created)
    assert [p.project_id for p in perms] == ["proj_alpha", "proj_beta"]
    assert all(p.object == "checkpoint.permission" and p.id.startswith("cp_") for p in perms)
    listed = client.fine_tuning.checkpoints.permissions.list(ckpt)
    assert [p.id for p in listed.data] == [perms[1].id, perms[0].id]  # descending by default
    asc = client.fine_tuning.checkpoints.permissions.list(ckpt, order="ascending", limit=1)
    assert [p.id for p in asc.data] == [perms[0].id] and asc.has_more
    only = client.fine_tuning.checkpoints.permissions.list(ckpt, project_id="proj_beta")
    assert [p.project_id for p in only.data] == ["proj_beta"]
    deleted = client.fine_tuning.checkpoints.permissions.delete(perms[0].id, fine_tuned_model_checkpoint=ckpt)
    assert deleted.deleted is True and deleted.id == perms[0].id
    assert [p.id for p in client.fine_tuning.checkpoints.permissions.list(ckpt).data] == [perms[1].id]
    with pytest.raises(openai.NotFoundError) as e:
        client.fine_tuning.checkpoints.permissions.list("ft:gpt-4o-mini-2024-07-18:nobody::nothing")
    assert_error_shape(e.value, 404)


def test_list_filters_on_metadata_and_paginates(client: openai.OpenAI) -> None:
    ids = []
    for env in ("prod", "dev", "dev"):
        ids.append(make_job(client, metadata={"env": env}, seed=42,
                            integrations=[{"type": "wandb", "wandb": {"project": "marv"}}]).id)
    dev = client.fine_tuning.jobs.list(metadata={"env": "dev"})
    assert [j.id for j in dev.data] == [ids[2], ids[1]]
    assert dev.data[0].metadata == {"env": "dev"} and dev.data[0].seed == 42
    assert dev.data[0].integrations[0].wandb.project == "marv"
    first = client.fine_tuning.jobs.list(limit=2)
    assert [j.id for j in first.data] == [ids[2], ids[1]] and first.has_more
    assert [j.id for j in client.fine_tuning.jobs.list(limit=10)] == list(reversed(ids))
    assert [j.id for j in first.get_next_page().data] == [ids[0]]


# --- graders (fine_tuning.alpha.graders) -----------------------------------------------------------

NAME_CHECK = {"type": "string_check", "name": "name", "input": "{{sample.output_json.name}}",
              "reference": "{{item.name}}", "operation": "eq"}


def test_graders_validate_and_run_through_the_sdk(client: openai.OpenAI) -> None:
    """The reinforcement-fine-tuning grader loop a user runs before a job: validate the grader,
    then score model samples against dataset items with it (the API's documented example shape)."""
    multi = {"type": "multi", "name": "extraction", "calculate_output": "0.75 * name + 0.25 * close",
             "graders": {"name": NAME_CHECK,
                         "close": {"type": "text_similarity", "name": "close", "input": "{{sample.output_text}}",
                                   "reference": "{{item.reference}}", "evaluation_metric": "fuzzy_match"}}}
    checked = client.fine_tuning.alpha.graders.validate(grader=multi)  # type: ignore[arg-type]
    assert checked.grader is not None and checked.grader.type == "multi"  # type: ignore[union-attr]

    item = {"name": "Ada", "reference": '{"name": "Ada"}'}
    good = client.fine_tuning.alpha.graders.run(grader=multi, item=item, model_sample='{"name": "Ada"}')  # type: ignore[arg-type]
    assert good.reward == 1.0 and good.sub_rewards == {"name": 1.0, "close": 1.0}, good
    assert good.metadata.type == "multi" and good.metadata.name == "extraction"
    assert not any(v for k, v in good.metadata.errors.model_dump().items() if isinstance(v, bool))
    wrong = client.fine_tuning.alpha.graders.run(grader=multi, item=item, model_sample='{"name": "Bob"}')  # type: ignore[arg-type]
    assert wrong.sub_rewards["name"] == 0.0 and 0 < wrong.reward < 0.25, wrong

    # A sample that is not JSON: the grader still answers 200, with the problem in metadata.errors.
    broken = client.fine_tuning.alpha.graders.run(grader=NAME_CHECK, item=item, model_sample="Ada")  # type: ignore[arg-type]
    assert broken.reward == 0 and broken.metadata.errors.sample_parse_error is True

    # Model graders: seeded, so the same request gets the same score, with token usage per model.
    judge = {"type": "score_model", "name": "judge", "model": "gpt-4.1-mini", "range": [0, 1],
             "input": [{"role": "user", "content": "Score {{sample.output_text}} against {{item.reference}}."}]}
    a = client.fine_tuning.alpha.graders.run(grader=judge, item=item, model_sample="Ada")  # type: ignore[arg-type]
    b = client.fine_tuning.alpha.graders.run(grader=judge, item=item, model_sample="Ada")  # type: ignore[arg-type]
    assert a.reward == b.reward and 0 <= a.reward <= 1
    usage = a.model_dump(by_alias=True)["model_grader_token_usage_per_model"]["gpt-4.1-mini"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] == a.metadata.token_usage


@pytest.mark.parametrize("grader, param", [
    ({"type": "string_check", "name": "x", "input": "a", "reference": "b"}, "grader.operation"),
    ({"type": "label_model", "name": "x", "model": "gpt-4.1", "input": [], "labels": ["a"], "passing_labels": ["a"]}, "grader.type"),
    ({"type": "multi", "name": "m", "graders": {"a": NAME_CHECK}, "calculate_output": "a + b"}, "grader.calculate_output"),
    ({"type": "multi", "name": "m", "graders": {"a": NAME_CHECK}, "calculate_output": "(a"}, "grader.calculate_output"),
])
def test_graders_validate_refuses_bad_graders_naming_the_param(client: openai.OpenAI, grader: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.fine_tuning.alpha.graders.validate(grader=grader)  # type: ignore[arg-type]
    assert assert_error_shape(e.value, 400)["param"] == param
    with pytest.raises(openai.BadRequestError) as e:
        client.fine_tuning.alpha.graders.run(grader=grader, model_sample="x")  # type: ignore[arg-type]
    assert assert_error_shape(e.value, 400)["param"] == param
