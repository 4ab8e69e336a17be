import zipfile

import pytest

from assistant.directory.xlsx import XlsxError, read_sheet, sheet_names

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


def workbook(path, sheet_xml):
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/workbook.xml", f'<workbook {MAIN} {RELS}><sheets>'
                      '<sheet name="Other" sheetId="1" r:id="rId1"/>'
                      '<sheet name="PCNDetails" sheetId="2" r:id="rId2"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", f'<Relationships {PKG}>'
                      '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                      '<Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>')
        book.writestr("xl/sharedStrings.xml", f'<sst {MAIN}><si><t>PCN Code</t></si>'
                      '<si><r><t>WEST </t></r><r><t>PCN</t></r></si></sst>')
        book.writestr("xl/worksheets/sheet1.xml", f"<worksheet {MAIN}><sheetData/></worksheet>")
        book.writestr("xl/worksheets/sheet2.xml", f"<worksheet {MAIN}><sheetData>{sheet_xml}"
                      "</sheetData></worksheet>")  # fmt: skip
    return path


def test_reads_shared_inline_and_number_cells_keeping_gaps(tmp_path):
    path = workbook(tmp_path / "book.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="3"><c r="B3" t="s"><v>1</v></c><c r="C3"><v>20191001</v></c></row>')  # fmt: skip
    assert sheet_names(path) == ["Other", "PCNDetails"]
    rows = read_sheet(path, "PCNDetails")
    assert rows == [["PCN Code", "", "x"], [], ["", "WEST PCN", "20191001"]]


def test_a_missing_sheet_is_named(tmp_path):
    path = workbook(tmp_path / "book.xlsx", "")
    with pytest.raises(XlsxError, match="no sheet called 'Members'"):
        read_sheet(path, "Members")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_text("a,b\n")
    with pytest.raises(XlsxError, match="not an .xlsx workbook"):
        read_sheet(path, "PCNDetails")
