#include "data/captions.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <string_view>

#include "core/errors.h"

namespace vds {
namespace {

const std::vector<std::string> kIdKeys = {"videoid", "video_id", "id", "file", "filename", "path"};
const std::vector<std::string> kCaptionKeys = {"caption", "name", "text"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> parseCsv(const std::string& input, const std::string& sourceName) {
  std::string_view text(input);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t line = 1, recordLine = 1;
  bool quoted = false, afterQuote = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      afterQuote = false;
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
      afterQuote = false;
      any = false;
      ++line;
      recordLine = line;
    } else if (c == '"' && field.empty() && !afterQuote) {
      quoted = true;
      any = true;
    } else if (afterQuote) {
      throw FormatError(sourceName + ":" + std::to_string(line) + ": text after a closing quote");
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw FormatError(sourceName + ":" + std::to_string(recordLine) + ": a quoted field is never closed");
  if (any || !field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  // Blank lines are not records.
  records.erase(std::remove_if(records.begin(), records.end(),
                               [](const std::vector<std::string>& r) { return r.size() == 1 && r[0].empty(); }),
                records.end());
  return records;
}

void CaptionTable::add(const std::string& id, const std::string& caption, const std::string& where) {
  const std::string key = trim(id);
  if (key.empty()) throw FormatError(where + ": empty video id");
  byId_[key] = trim(caption);
}

CaptionTable CaptionTable::fromCsv(const std::string& text, const std::string& sourceName) {
  const auto records = parseCsv(text, sourceName);
  if (records.empty()) throw FormatError(sourceName + ": no header row");
  const auto& header = records.front();
  auto column = [&](const std::vector<std::string>& names, const char* what) {
    for (const auto& name : names)
      for (size_t i = 0; i < header.size(); ++i)
        if (lower(trim(header[i])) == name) return i;
    throw FormatError(sourceName + ":1: no " + what + " column (one of " + join(names) + ") in the header '" +
                      join(header) + "'");
  };
  const size_t idColumn = column(kIdKeys, "video id");
  const size_t captionColumn = column(kCaptionKeys, "caption");
  CaptionTable table;
  table.source_ = sourceName;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& row = records[r];
    const std::string where = sourceName + ": record " + std::to_string(r + 1);
    if (row.size() != header.size())
      throw FormatError(where + " has " + std::to_string(row.size()) + " field(s), the header " +
                        std::to_string(header.size()));
    table.add(row[idColumn], row[captionColumn], where);
  }
  return table;
}

CaptionTable CaptionTable::fromJson(const std::string& text, const std::string& sourceName) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw FormatError(sourceName + ": not valid JSON: " + e.what());
  }
  CaptionTable table;
  table.source_ = sourceName;
  if (doc.is_object()) {
    for (const auto& [id, caption] : doc.items()) {
      if (!caption.is_string())
        throw FormatError(sourceName + ": the caption of '" + id + "' is not a string");
      table.add(id, caption.get<std::string>(), sourceName);
    }
    return table;
  }
  if (!doc.is_array())
    throw FormatError(sourceName + ": expected an object {\"<id>\": \"<caption>\"} or a list of objects");
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    const std::string where = sourceName + ": item " + std::to_string(i);
    if (!item.is_object()) throw FormatError(where + " is not an object");
    auto field = [&](const std::vector<std::string>& names, const char* what) {
      for (const auto& name : names)
        if (item.contains(name)) {
          if (item[name].is_string()) return item[name].get<std::string>();
          if (item[name].is_number_integer()) return std::to_string(item[name].get<int64_t>());
          throw FormatError(where + ": '" + name + "' is not a string");
        }
      throw FormatError(where + " has no " + what + " key (one of " + join(names) + ")");
    };
    table.add(field(kIdKeys, "video id"), field(kCaptionKeys, "caption"), where);
  }
  return table;
}

CaptionTable CaptionTable::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read the captions file '" + file.string() + "'");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string ext = lower(file.extension().string());
  if (ext == ".csv") return fromCsv(text, file.string());
  if (ext == ".json") return fromJson(text, file.string());
  throw FormatError("captions file '" + file.string() + "': expected a .csv or .json file");
}

std::optional<std::string> CaptionTable::find(const std::filesystem::path& relativePath) const {
  for (const std::string& key :
       {relativePath.generic_string(), relativePath.filename().string(), relativePath.stem().string()}) {
    const auto it = byId_.find(key);
    if (it != byId_.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace vds
