// Captions of a folder of videos, from a CSV file or a JSON sidecar.
//
// CSV (RFC 4180, as WebVid ships it): a header row, then one row per video. Fields
// may be quoted; a quoted field may hold commas, line breaks and doubled quotes ("").
// The id column is the first header among videoid, video_id, id, file, filename, path;
// the caption column the first among caption, name (WebVid-10M's), text.
//
// JSON: either {"<id>": "<caption>", ...} or [{"videoid": "<id>", "caption": "..."}, ...]
// with the same key names as the CSV header.
//
// A video matches an id equal to its path relative to the folder, its file name, or
// its file name without extension (WebVid's "1066692538" for "1066692538.mp4").
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vds {

class CaptionTable {
 public:
  // Reads .csv or .json (by extension). IoError when the file cannot be read;
  // FormatError naming the file (and the line, for CSV) when it is malformed or has no
  // id or caption column.
  static CaptionTable load(const std::filesystem::path& file);
  static CaptionTable fromCsv(const std::string& text, const std::string& sourceName);
  static CaptionTable fromJson(const std::string& text, const std::string& sourceName);

  // The caption of the video at `relativePath` (relative to the folder), if any.
  std::optional<std::string> find(const std::filesystem::path& relativePath) const;
  size_t size() const { return byId_.size(); }
  const std::string& source() const { return source_; }

 private:
  void add(const std::string& id, const std::string& caption, const std::string& where);
  std::map<std::string, std::string> byId_;
  std::string source_;
};

// RFC 4180 records. Accepts LF or CRLF line ends and a UTF-8 byte-order mark; a final
// empty line is not a record. FormatError naming `sourceName` and the line of an
// unterminated quote or of text after a closing quote.
std::vector<std::vector<std::string>> parseCsv(const std::string& text, const std::string& sourceName);

}  // namespace vds
