// portlens: hands the command line to cli/, which owns every subcommand.
#include "cli/app.h"

int main(int argc, char** argv) { return portlens::cli::runCli(argc, argv); }
