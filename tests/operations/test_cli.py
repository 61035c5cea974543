"""The command line: migrate and seed on both databases, idempotently, and validate data files."""

import asyncio
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import tables as t
from catalogue.database import async_engine
from services.cli import main
from services.settings import Settings
from tests.support.databases import BACKENDS, TEST_DATA, EmptyDatabase
from tests.support.pdf import read_pdf


async def _count(url: str) -> int:
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine)() as session:
            return await session.scalar(select(func.count()).select_from(t.Solution)) or 0
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_loads_an_empty_database_once(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=empty_database(backend, tmp_path), data_dir=tmp_path)
    assert main(["seed", "--data", str(TEST_DATA)], settings) == 0
    assert capsys.readouterr().out.strip() == "demo catalogue loaded"
    assert asyncio.run(_count(settings.database_url)) == 5
    assert main(["seed", "--data", str(TEST_DATA)], settings) == 0
    assert capsys.readouterr().out.strip() == "catalogue not empty: nothing loaded"
    assert asyncio.run(_count(settings.database_url)) == 5


def test_invalid_data_is_reported_and_nothing_is_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    broken = (TEST_DATA / "catalogue.toml").read_text().replace('cvr = "64942212"', 'cvr = "64942213"')
    (data / "catalogue.toml").write_text(broken)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", data_dir=tmp_path)
    assert main(["seed", "--data", str(data)], settings) == 1
    assert "'64942213' is not a valid Danish CVR number" in capsys.readouterr().err
    assert asyncio.run(_count(settings.database_url)) == 0


def test_check_data_accepts_the_demo_catalogue(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}", data_dir=tmp_path)
    assert main(["check-data"], settings) == 0
    assert not (tmp_path / "unused.sqlite3").exists()


def test_check_data_names_the_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(TEST_DATA / "catalogue.toml", tmp_path / "good.toml")
    (tmp_path / "bad.toml").write_text("[[solutions]]\nslug = 3\n")
    settings = Settings(database_url="sqlite:///unused", data_dir=tmp_path)
    assert main(["check-data", "--data", str(tmp_path)], settings) == 1
    assert "bad.toml: Expected `str`, got `int` - at `$.solutions[0].slug`" in capsys.readouterr().err


def test_brochure_command_writes_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", data_dir=tmp_path)
    assert main(["seed", "--data", str(TEST_DATA)], settings) == 0
    output = tmp_path / "brochure.pdf"
    assert main(["brochure", "test-harbour-sensors", "--lang", "zh", "--output", str(output)], settings) == 0
    facts = read_pdf(output.read_bytes())
    assert (facts.title, facts.language, facts.notdef) == ("哥本哈根港口传感器", "zh", 0)
    assert main(["brochure", "no-such-solution", "--output", str(tmp_path / "none.pdf")], settings) == 1
    assert "no solution with the slug 'no-such-solution'" in capsys.readouterr().err
    assert not (tmp_path / "none.pdf").exists()


def test_check_data_names_rich_text_nested_too_deeply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = (TEST_DATA / "catalogue.toml").read_text()
    shallow = 'en = "A network of sensors in the harbour gives data on bathing water."'
    assert shallow in catalogue
    deep = "<ul><li>" * 40 + "bottom" + "</li></ul>" * 40
    (tmp_path / "deep.toml").write_text(catalogue.replace(shallow, f'en = "{deep}"'))
    settings = Settings(database_url="sqlite:///unused", data_dir=tmp_path)
    assert main(["check-data", "--data", str(tmp_path)], settings) == 1
    assert "'test-harbour-sensors': description.en" in capsys.readouterr().err
