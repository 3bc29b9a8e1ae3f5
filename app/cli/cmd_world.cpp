// `vdstudio-cli world ...`: the built-in Shapes world.
#include "cli/cli_common.h"

namespace vds::cli {

void registerWorldCommands(CLI::App& app) {
  app.add_subcommand("world", "The built-in Shapes text-to-video world")->require_subcommand(1);
}

}  // namespace vds::cli
