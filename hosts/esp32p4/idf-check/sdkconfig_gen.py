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
import sys

import kconfiglib


def accept_help_under_menu():
    parse_help = kconfiglib.Kconfig._parse_help

    def parse_help_with_default(self, node):
        if not hasattr(node, "help"):
            node.help = None
        return parse_help(self, node)

    kconfiglib.Kconfig._parse_help = parse_help_with_default


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
    config.write_autoconf(os.path.join(args.out_dir, "sdkconfig.h"))
    config.write_config(os.path.join(args.out_dir, "sdkconfig"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
