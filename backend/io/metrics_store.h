// metrics.sqlite of a run (ARCHITECTURE §8): scalars by step and wall time, so a
// resumed run, the run browser and the plots all see the same history.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace vds {

struct MetricPoint {
  int64_t step = 0;
  double wallSeconds = 0;
  double value = 0;
};

class MetricsStore {
 public:
  // How long a connection waits for another one (the studio reading while the trainer
  // writes) to release the file before an operation fails with "database is locked".
  static constexpr int kBusyTimeoutMs = 10'000;

  // Opens or creates the database; IoError naming the file when that fails.
  explicit MetricsStore(const std::filesystem::path& file);
  ~MetricsStore();
  MetricsStore(const MetricsStore&) = delete;
  MetricsStore& operator=(const MetricsStore&) = delete;

  // Appends values of one step in a single transaction. A step written again (a run
  // resumed from an earlier checkpoint) replaces the old values of that step.
  void append(int64_t step, double wallSeconds, const std::vector<std::pair<std::string, double>>& values);
  // Drops everything after `step` (a resume rewinds to its checkpoint).
  void truncateAfter(int64_t step);
  std::vector<std::string> names() const;
  std::vector<MetricPoint> series(const std::string& name) const;
  // Records an event such as a style swap: kind, free text, at a step.
  void note(int64_t step, const std::string& kind, const std::string& text);
  std::vector<std::pair<int64_t, std::string>> notes(const std::string& kind) const;

 private:
  std::filesystem::path file_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace vds
