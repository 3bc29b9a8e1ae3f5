// vdstudio-cli: headless front end to the vdstudio engine.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/log.h"

int main(int argc, char** argv) {
  CLI::App app{"vdstudio-cli: distil video diffusion models into fast few-step students"};
  app.set_version_flag("--version", std::string(VDS_VERSION));
  app.require_subcommand(1);
  std::string logLevel = "info";
  app.add_option("--log-level", logLevel, "trace, debug, info, warn, error or off")->capture_default_str();
  app.parse_complete_callback([&] { vds::setLogLevel(logLevel); });

  vds::cli::registerWorldCommands(app);
  vds::cli::registerConfigCommands(app);
  vds::cli::registerInfoCommands(app);
  vds::cli::registerBenchCommands(app);
  vds::cli::registerSampleCommands(app);
  vds::cli::registerTrainCommands(app);
  vds::cli::registerEvalCommands(app);
  vds::cli::registerCompareCommands(app);
  vds::cli::registerExportCommands(app);
  vds::cli::registerDatasetCommands(app);
  vds::cli::registerProbeCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const vds::Error& e) {
    vds::logger()->error("{}", e.what());
    return 2;
  } catch (const c10::Error& e) {
    vds::logger()->error("LibTorch: {}", e.what_without_backtrace());
    return 3;
  } catch (const std::exception& e) {
    vds::logger()->error("{}", e.what());
    return 4;
  }
  return 0;
}
