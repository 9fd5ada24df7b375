#!/usr/bin/python3
"""Write the sdkconfig.h that ESP-IDF's build would generate for one app and target.

ESP-IDF generates sdkconfig.h with its own Kconfig tool (esp-idf-kconfig), which these machines
cannot install. Debian's python3-kconfiglib reads the same Kconfig tree with one difference: it
does not accept a `help` block under `menu`, which ESP-IDF 5.4's fatfs Kconfig has, so such help
text is ignored here. The values come from ESP-IDF's defaults for the target, the app's own Kconfig
files and its sdkconfig.defaults, in that order, as in an ESP-IDF build.

Usage: sdkconfig_gen.py IDF_PATH TARGET OUT_DIR [--kconfig FILE]... [--projbuild FILE]...
                        [--defaults FILE]...
"""

import argparse
import glob
import os
import re
import sys

import kconfiglib


def accept_help_under_menu():
    parse_help = kconfiglib.Kconfig._parse_help

    def parse_help_with_default(self, node):
        if not hasattr(node, "help"):
            node.help = None
        return parse_help(self, node)

    kconfiglib.Kconfig._parse_help = parse_help_with_default


def unapplied_defaults(config, defaults_path):
    """Lists the settings of an sdkconfig.defaults file that did not take effect: a misspelt or
    retired option, or one whose dependencies are not met, which ESP-IDF's build ignores silently."""
    problems = []
    with open(defaults_path, encoding="utf-8") as defaults:
        for line_number, line in enumerate(defaults, start=1):
            line = line.strip()
            unset = re.fullmatch(r"# CONFIG_(\w+) is not set", line)
            if unset:
                name, expected = unset.group(1), "n"
            elif line.startswith("CONFIG_") and "=" in line:
                name, expected = line[len("CONFIG_"):].split("=", 1)
                expected = expected.strip('"')
            else:
                continue
            # `idf.py set-target` decides the target, whatever a defaults file names.
            if name == "IDF_TARGET":
                continue
            symbol = config.syms.get(name)
            if symbol is None or not symbol.nodes:
                problems.append(f"{defaults_path}:{line_number}: CONFIG_{name} is not an option of this ESP-IDF")
            elif symbol.str_value != expected:
                problems.append(f"{defaults_path}:{line_number}: CONFIG_{name} is {symbol.str_value!r}, "
                                f"not {expected!r} (its dependencies are not met?)")
    return problems


def write_source_list(path, files):
    with open(path, "w", encoding="utf-8") as out:
        for file in files:
            out.write(f'source "{os.path.abspath(file)}"\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("idf_path")
    parser.add_argument("target")
    parser.add_argument("out_dir")
    parser.add_argument("--kconfig", action="append", default=[], help="a component Kconfig of the app")
    parser.add_argument("--projbuild", action="append", default=[], help="a Kconfig.projbuild of the app")
    parser.add_argument("--defaults", action="append", default=[], help="an sdkconfig.defaults file")
    args = parser.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    components = os.path.join(args.idf_path, "components")
    kconfigs = sorted(glob.glob(os.path.join(components, "*", "Kconfig"))) + args.kconfig
    projbuilds = sorted(glob.glob(os.path.join(components, "*", "Kconfig.projbuild"))) + args.projbuild
    kconfigs_list = os.path.join(args.out_dir, "kconfigs.in")
    projbuilds_list = os.path.join(args.out_dir, "kconfigs_projbuild.in")
    write_source_list(kconfigs_list, kconfigs)
    write_source_list(projbuilds_list, projbuilds)

    # The environment that ESP-IDF's build gives its root Kconfig.
    os.environ.update(
        IDF_PATH=args.idf_path,
        IDF_TARGET=args.target,
        IDF_TOOLCHAIN="gcc",
        IDF_ENV_FPGA="",
        IDF_CI_BUILD="",
        IDF_INIT_VERSION="5.4",
        IDF_MINIMAL_BUILD="n",
        COMPONENT_KCONFIGS_SOURCE_FILE=os.path.abspath(kconfigs_list),
        COMPONENT_KCONFIGS_PROJBUILD_SOURCE_FILE=os.path.abspath(projbuilds_list),
    )
    accept_help_under_menu()
    config = kconfiglib.Kconfig(os.path.join(args.idf_path, "Kconfig"), warn=False)
    for defaults in args.defaults:
        config.load_config(defaults, replace=False)
    problems = [problem for defaults in args.defaults for problem in unapplied_defaults(config, defaults)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    config.write_autoconf(os.path.join(args.out_dir, "sdkconfig.h"))
    config.write_config(os.path.join(args.out_dir, "sdkconfig"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
