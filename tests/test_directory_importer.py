import pytest

from assistant.directory.importer import DirectoryFileError, SourceFiles, import_directory
from tests.directory_files import copy_with, first_row, replace_file, shared_data

MAPPING = "gp-practices/gp-reg-pat-prac-map_01Aug2026.csv"
EPRACCUR = "gp-practices/epraccur.csv"


@pytest.fixture(scope="module")
def directory():
    return import_directory(SourceFiles.in_folder(shared_data()))


def test_the_real_files_give_175_practices_in_36_pcns(directory):
    assert len(directory.practices) == 175
    assert len(directory.pcns) == 36
    assert sum(pcn.practices for pcn in directory.pcns) == 175


def test_24_practices_are_west_birmingham(directory):
    assert sum(practice.west_birmingham for practice in directory.practices) == 24


def test_every_practice_has_a_known_pcn_a_phone_a_location_and_a_locality(directory):
    pcns = {pcn.code for pcn in directory.pcns}
    for practice in directory.practices:
        assert practice.pcn_code in pcns
        assert practice.phone.startswith("0") and len(practice.phone.replace(" ", "")) == 11
        assert 52.2 < practice.latitude < 52.7 and -2.1 < practice.longitude < -1.5
        assert practice.locality in {"Central", "East", "North", "South", "West", "Solihull"}


def test_practices_without_registered_patients_are_left_out(directory):
    codes = {practice.code for practice in directory.practices}
    assert not codes & {"Y02620", "Y06125"}


def test_names_are_written_as_residents_write_them(directory):
    practices = {practice.code: practice for practice in directory.practices}
    assert practices["M85001"].name == "Shah Zaman Surgery"
    assert practices["M85001"].ods_name == "SHAH ZAMAN SURGERY"
    assert practices["M85001"].phone == "0121 465 1500"
    assert practices["M85001"].postcode == "B35 7QX"


def test_sources_carry_their_dates_and_the_attribution(directory):
    published = {source.key: source.published for source in directory.sources}
    assert published["mapping"] == "2026-08-01"
    assert published["epraccur"] == "2026-02-03"
    assert published["epcn"] == "2024-10-01"
    assert published["localities"] == "2024-03"
    assert published["postcodes_B"] == "2025-05"
    assert "Open Government Licence v3.0" in directory.attribution
    assert "Royal Mail" in directory.attribution


def test_the_postcode_lookup_has_the_readme_example_and_each_practice(directory):
    assert directory.postcodes["B11 1LU"] == (52.46267, -1.87132)
    assert all(practice.postcode in directory.postcodes for practice in directory.practices)
    assert "CV1" in {district.district for district in directory.districts}
    assert not any(postcode.startswith("CV1 ") for postcode in directory.postcodes)


def refusal(data) -> str:
    with pytest.raises(DirectoryFileError) as caught:
        import_directory(SourceFiles.in_folder(data))
    return str(caught.value)


def test_a_missing_data_folder_is_named_as_missing(tmp_path):
    message = refusal(tmp_path / "nowhere")
    assert "gp-practices: no such folder" in message


def test_a_row_with_a_column_missing_is_refused_by_file_and_row(tmp_path):
    def drop_a_column(rows):
        rows[99] = rows[99][:-1]
        return rows

    message = refusal(copy_with(tmp_path, EPRACCUR, drop_a_column))
    assert "epraccur.csv, row 100: 26 columns" in message


def test_a_practice_with_no_pcn_is_refused(tmp_path):
    edited = []

    def blank_pcn(rows):
        index = first_row(rows, lambda row: row[2] == "M85005")
        rows[index][5] = ""
        edited.append(index + 1)
        return rows

    message = refusal(copy_with(tmp_path, MAPPING, blank_pcn))
    where = f"gp-reg-pat-prac-map_01Aug2026.csv, row {edited[0]}"
    assert f"{where}: practice M85005 has no PCN" in message


def test_a_practice_listed_twice_is_refused(tmp_path):
    def duplicate(rows):
        index = first_row(rows, lambda row: row[2] == "M85005")
        return [*rows, rows[index]]

    message = refusal(copy_with(tmp_path, MAPPING, duplicate))
    assert "practice M85005 is listed twice" in message
    assert "gp-reg-pat-prac-map_01Aug2026.csv, row " in message


def test_a_practice_with_no_location_is_refused(tmp_path):
    edited = []

    def unknown_postcode(rows):
        index = first_row(rows, lambda row: row[0] == "M85001")
        rows[index][9] = "B99 9ZZ"
        edited.append(index + 1)
        return rows

    message = refusal(copy_with(tmp_path, EPRACCUR, unknown_postcode))
    assert f"epraccur.csv, row {edited[0]}: practice M85001 has no location" in message


def test_an_inactive_practice_is_refused(tmp_path):
    def close(rows):
        index = first_row(rows, lambda row: row[0] == "M85001")
        rows[index][12] = "INACTIVE"
        return rows

    assert "practice M85001 is INACTIVE" in refusal(copy_with(tmp_path, EPRACCUR, close))


def test_counts_far_from_the_expected_ones_are_refused(tmp_path):
    def keep_fifty(rows):
        ours = [row for row in rows if row[8] == "15E"][:50]
        return [rows[0], *ours]

    message = refusal(copy_with(tmp_path, MAPPING, keep_fifty))
    assert "50 practices in sub-ICB 15E, expected about 175" in message


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    data = replace_file(tmp_path, "gp-practices/ePCN.xlsx", b"not a zip")
    assert "ePCN.xlsx: ePCN.xlsx is not an .xlsx workbook" in refusal(data)


def test_a_postcode_file_with_another_header_is_refused(tmp_path):
    data = replace_file(tmp_path, "postcodes/WV.csv", b"pcd,latitude,longitude\n")
    assert "WV.csv, row 1: the header should be Postcode,lat,long" in refusal(data)
