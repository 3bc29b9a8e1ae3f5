#include "io/metrics_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/errors.h"

namespace vds {

MetricsStore::MetricsStore(const std::filesystem::path& file) : file_(file) {
  try {
    db_ = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    // The studio reloads a run's history while its trainer opens, rewinds and appends to the
    // same file: a connection that finds it locked waits for the other instead of failing.
    db_->setBusyTimeout(kBusyTimeoutMs);
    // WAL keeps readers (the GUI) unblocked while the trainer writes, and survives crashes.
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec(
        "CREATE TABLE IF NOT EXISTS scalars (step INTEGER NOT NULL, wall REAL NOT NULL, name TEXT NOT NULL, "
        "value REAL, PRIMARY KEY (name, step))");
    db_->exec("CREATE TABLE IF NOT EXISTS notes (step INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL)");
  } catch (const SQLite::Exception& e) {
    throw IoError("metrics database '" + file.string() + "': " + e.what());
  }
}

MetricsStore::~MetricsStore() = default;

void MetricsStore::append(int64_t step, double wallSeconds, const std::vector<std::pair<std::string, double>>& values) {
  try {
    SQLite::Transaction tx(*db_);
    SQLite::Statement insert(*db_, "INSERT OR REPLACE INTO scalars (step, wall, name, value) VALUES (?, ?, ?, ?)");
    for (const auto& [name, value] : values) {
      insert.bind(1, static_cast<int64_t>(step));
      insert.bind(2, wallSeconds);
      insert.bind(3, name);
      insert.bind(4, value);  // NaN is stored as NULL by SQLite and read back as NaN below
      insert.exec();
      insert.reset();
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    throw IoError("metrics database '" + file_.string() + "': " + e.what());
  }
}

void MetricsStore::truncateAfter(int64_t step) {
  SQLite::Statement del(*db_, "DELETE FROM scalars WHERE step > ?");
  del.bind(1, static_cast<int64_t>(step));
  del.exec();
  SQLite::Statement delNotes(*db_, "DELETE FROM notes WHERE step > ?");
  delNotes.bind(1, static_cast<int64_t>(step));
  delNotes.exec();
}

std::vector<std::string> MetricsStore::names() const {
  std::vector<std::string> out;
  SQLite::Statement q(*db_, "SELECT DISTINCT name FROM scalars ORDER BY name");
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::vector<MetricPoint> MetricsStore::series(const std::string& name) const {
  std::vector<MetricPoint> out;
  SQLite::Statement q(*db_, "SELECT step, wall, value FROM scalars WHERE name = ? ORDER BY step");
  q.bind(1, name);
  while (q.executeStep()) {
    MetricPoint p;
    p.step = q.getColumn(0).getInt64();
    p.wallSeconds = q.getColumn(1).getDouble();
    p.value = q.getColumn(2).isNull() ? std::numeric_limits<double>::quiet_NaN() : q.getColumn(2).getDouble();
    out.push_back(p);
  }
  return out;
}

void MetricsStore::note(int64_t step, const std::string& kind, const std::string& text) {
  SQLite::Statement insert(*db_, "INSERT INTO notes (step, kind, text) VALUES (?, ?, ?)");
  insert.bind(1, static_cast<int64_t>(step));
  insert.bind(2, kind);
  insert.bind(3, text);
  insert.exec();
}

std::vector<std::pair<int64_t, std::string>> MetricsStore::notes(const std::string& kind) const {
  std::vector<std::pair<int64_t, std::string>> out;
  SQLite::Statement q(*db_, "SELECT step, text FROM notes WHERE kind = ? ORDER BY step, rowid");
  q.bind(1, kind);
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
  return out;
}

}  // namespace vds
