// `vdstudio-cli config ...`: run-config validation and defaults.
#include <cstdio>

#include "cli/cli_common.h"
#include "core/config.h"
#include "core/log.h"
#include "methods/registry.h"

namespace vds::cli {

void registerConfigCommands(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Check run configs and print defaults");
  config->require_subcommand(1);

  auto* check = config->add_subcommand("check", "Validate a run config and print it fully resolved");
  auto file = std::make_shared<std::string>();
  check->add_option("file", *file, "Run config (YAML)")->required()->check(CLI::ExistingFile);
  check->callback([file] {
    const Config resolved = loadRunConfig(*file);
    std::fputs(resolved.dump().c_str(), stdout);
    logger()->info("{}: valid", *file);
  });

  auto* defaults = config->add_subcommand("defaults", "Print the default run config with a comment on every key");
  auto method = std::make_shared<std::string>(registeredMethodNames().front());
  defaults->add_option("--method", *method, "Include this method's settings")
      ->capture_default_str()
      ->check(CLI::IsMember(registeredMethodNames()));
  defaults->callback([method] {
    YAML::Node user;
    user["method"]["name"] = *method;
    std::fputs(resolveRunConfig(user, "defaults").dump(true).c_str(), stdout);
  });
}

}  // namespace vds::cli
