// Logging through spdlog. One named logger, "vds"; the CLI and GUI add sinks to it.
#pragma once
#include <spdlog/spdlog.h>
#include <memory>
#include <string>

namespace vds {

// The project logger. Created on first use with a stderr sink.
std::shared_ptr<spdlog::logger> logger();

// Parses "trace|debug|info|warn|error|off"; throws ConfigError naming the setting otherwise.
void setLogLevel(const std::string& level);

}  // namespace vds
