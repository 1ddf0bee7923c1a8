"""Who holds each photo: DEP-5 ``copyright`` stanzas and GCompris's packed READMEs."""

from __future__ import annotations

from photoset.copyright import lookup, parse
from photoset.readme import parse as parse_readme

DEP5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: gcompris

Files: *
Copyright: 2014 Bruno Coudoin
           2015 Someone Else
License: GPL-3+

Files: src/activities/erase/resource/*
Copyright: Ralf Schmode
License: GPL-3+

Files: src/activities/categorization/resource/images/monuments/eiffelTower.jpg
Copyright: Benh LIEU SONG
License: CC-BY-SA-3.0
Comment: https://commons.wikimedia.org/wiki/File:Eiffel_Tower.jpg

License: GPL-3+
 This program is free software ...
"""


def test_dep5_last_match_wins_and_extensions_are_ignored():
    stanzas = parse(DEP5)
    assert [s.license for s in stanzas] == ["GPL-3+", "GPL-3+", "CC-BY-SA-3.0"]
    assert stanzas[0].copyright == "2014 Bruno Coudoin; 2015 Someone Else"
    installed = (
        "usr/share/gcompris-qt/rcc/categorization.rcc::"
        "gcompris/src/activities/categorization/resource/images/monuments/eiffelTower.webp"
    )
    assert lookup(stanzas, installed).copyright == "Benh LIEU SONG"
    erase = "usr/share/gcompris-qt/rcc/erase.rcc::gcompris/src/activities/erase/resource/horse.webp"
    assert lookup(stanzas, erase).copyright == "Ralf Schmode"
    assert lookup(stanzas, "usr/share/other/file.png").patterns == ("*",)
    assert lookup(parse("Files: a/*\nCopyright: x\nLicense: y\n"), "b/c.png") is None


def test_dep5_a_file_installed_elsewhere_is_found_by_its_one_name():
    """lomiri-wallpapers-16.04 credits ``16.04/x.jpg`` and installs it as ``usr/share/backgrounds/x.jpg``."""
    text = (
        "Files: *\nCopyright: Canonical\nLicense: GPL-3\n\n"
        "Files: 16.04/Wine_by_Jakkub_Mede.jpg\nCopyright: Jakub Mede, 2018\nLicense: CC-BY-4.0\n\n"
        "Files: 16.04/twin.jpg 20.04/twin.jpg\nCopyright: two\nLicense: x\n\n"
        "Files: 18.04/twin.jpg\nCopyright: three\nLicense: y\n"
    )
    stanzas = parse(text)
    assert lookup(stanzas, "usr/share/backgrounds/Wine_by_Jakkub_Mede.jpg").license == "CC-BY-4.0"
    assert lookup(stanzas, "usr/share/backgrounds/twin.jpg").patterns == ("*",), "two stanzas name it: no guess"
    assert lookup(stanzas, "usr/share/backgrounds/other.jpg").patterns == ("*",)


def test_readme_files_on_the_same_line_and_on_the_lines_after():
    text = """Copyright: Timothee Giet, 2018
License: CC-BY-SA 4.0
Files:
key.svg
egypt/egypt.svg

Copyright: Dietmar Rabich / Wikimedia Commons
Source: https://commons.wikimedia.org/wiki/File:Alpakas.jpg
License: CC-BY-SA-4.0
Comments: cropping, sharpening
Files: alpaca.webp

A paragraph without credits.
"""
    credits = parse_readme(text, "gcompris/res")
    assert set(credits) == {"gcompris/res/key.svg", "gcompris/res/egypt/egypt.svg", "gcompris/res/alpaca.webp"}
    alpaca = credits["gcompris/res/alpaca.webp"]
    assert (alpaca.author, alpaca.license) == ("Dietmar Rabich / Wikimedia Commons", "CC-BY-SA-4.0")
    assert alpaca.source == "https://commons.wikimedia.org/wiki/File:Alpakas.jpg"
    assert credits["gcompris/res/key.svg"].source == ""
