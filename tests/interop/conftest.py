"""Shared fixture: the bundled study log converted once by tidybench into a temporary dataset."""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def tidybench_command():
    """The tidybench binary from $TIDYBENCH_BIN, or `cargo run` in the repository."""
    binary = os.environ.get("TIDYBENCH_BIN")
    if binary:
        return [binary]
    return ["cargo", "run", "--quiet", "--manifest-path", str(REPO / "Cargo.toml"), "--"]


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset") / "out"
    subprocess.run(
        tidybench_command()
        + ["convert", str(REPO / "data" / "benchmark-run-larger-models.log"), "-o", str(out), "-q"],
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def requests_dataset(tmp_path_factory):
    """A dataset with a requests table: the real GuideLLM 0.4.0 poisson JSON report."""
    out = tmp_path_factory.mktemp("requests") / "out"
    report = REPO / "tests" / "fixtures" / "guidellm" / "0.4.0" / "poisson" / "benchmarks.json.gz"
    subprocess.run(tidybench_command() + ["convert", str(report), "-o", str(out), "-q"], check=True)
    return out


@pytest.fixture(scope="session")
def server_dataset(tmp_path_factory):
    """A dataset with a server_samples table: the vLLM server logs users posted."""
    out = tmp_path_factory.mktemp("server") / "out"
    logs = REPO / "tests" / "fixtures" / "vllm" / "server-logs"
    subprocess.run(tidybench_command() + ["convert", str(logs), "-o", str(out), "-q"], check=True)
    return out
