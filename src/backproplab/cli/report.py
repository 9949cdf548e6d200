"""``backproplab report``: report.html and report.md for a run, a sweep or a lab folder."""

import os


def add_parser(sub):
    report = sub.add_parser("report", help="write report.html and report.md for a run, a sweep or a lab folder",
                            description="Write report.html, one self-contained page (figures embedded), and "
                                        "report.md, the same in Markdown, into a folder of 'train', 'sweep' or "
                                        "'lab': every run and sweep in it, with its set-up, results and figures. "
                                        "A lab folder gets the page a teacher hands out: the set-up, both data sets, "
                                        "and the lab's questions when 'lab --report' answered them.")
    report.add_argument("folder", metavar="DIR",
                        help="a folder written by 'train', 'sweep' or 'lab', or one holding such folders")
    report.add_argument("--debug", action="store_true", help="show a traceback on errors")


def run(args, write):
    from ..report import write_report  # here, not above: the report imports the figures (matplotlib)

    write(f"wrote {write_report(args.folder)} and {os.path.join(args.folder, 'report.md')}")
    return 0
