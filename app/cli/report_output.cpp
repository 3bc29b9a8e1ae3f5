// Package options and JSON reports shared by the commands that read packages and write
// reports (eval, probe).
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/paths.h"
#include "io/atomic_file.h"

namespace vds::cli {

namespace fs = std::filesystem;

fs::path packageOption(const char* option, const std::string& spec) {
  const fs::path path = resolveModelPath(spec);
  if (!fs::is_directory(path))
    throw ConfigError(std::string(option) + ": no model package folder at '" + path.string() + "' (from '" + spec +
                      "')");
  return path;
}

void writeJsonReport(const std::string& out, const nlohmann::json& report) {
  const fs::path file(out);
  std::error_code ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  if (ec) throw IoError("--json: cannot create directory '" + file.parent_path().string() + "': " + ec.message());
  writeFileAtomic(file, report.dump(2) + "\n");
  std::printf("wrote the report to %s\n", out.c_str());
}

}  // namespace vds::cli
