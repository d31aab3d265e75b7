// parse.cpp - the command-line rules every `ganvas` command shares (CLI11). See cli.h.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli.h"

namespace ganvas_cli {

int cli_parse(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints the help (stdout) or the error (stderr)
        return code == 0 ? 0 : 2;
    }
    return -1;
}

int cli_usage_error(const std::string& command, const std::string& message) {
    std::fprintf(stderr, "ganvas %s: %s\nRun with --help for more information.\n", command.c_str(), message.c_str());
    return 2;
}

}  // namespace ganvas_cli
