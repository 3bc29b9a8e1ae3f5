// `vdstudio-cli config ...`: run-config validation and defaults.
#include "cli/cli_common.h"

namespace vds::cli {

void registerConfigCommands(CLI::App& app) {
  app.add_subcommand("config", "Check run configs and print defaults")->require_subcommand(1);
}

}  // namespace vds::cli
