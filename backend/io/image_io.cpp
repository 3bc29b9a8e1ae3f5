// The one translation unit that compiles stb_image and stb_image_write.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>
#include <stb_image_write.h>

#include "io/image_io.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "core/errors.h"

namespace vds {
namespace {

constexpr std::array<unsigned char, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr int kMaxScale = 64;

std::string readAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open '" + path.string() + "' for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError("error while reading '" + path.string() + "'");
  return bytes;
}

uint32_t readBigEndian32(const std::string& bytes, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + at;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) as the PNG specification defines it.
uint32_t pngCrc(const char* data, size_t size) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFU;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

// Walks the chunks and checks each CRC up to IEND. stb_image skips CRCs and may
// decode a damaged or cut file into garbage pixels; this turns those into errors.
void checkPngChunks(const std::string& bytes, const std::filesystem::path& path) {
  constexpr size_t kChunkOverhead = 12;  // length, type, CRC
  size_t at = kPngSignature.size();
  while (true) {
    if (at + kChunkOverhead > bytes.size())
      throw FormatError("PNG '" + path.string() + "' is truncated at byte " + std::to_string(at) + " (no IEND)");
    const size_t length = readBigEndian32(bytes, at);
    if (length > bytes.size() - at - kChunkOverhead)
      throw FormatError("PNG '" + path.string() + "' is truncated inside the chunk at byte " + std::to_string(at));
    const std::string type = bytes.substr(at + 4, 4);
    if (pngCrc(bytes.data() + at + 4, length + 4) != readBigEndian32(bytes, at + 8 + length))
      throw FormatError("PNG '" + path.string() + "': CRC mismatch in chunk '" + type + "' at byte " +
                        std::to_string(at));
    if (type == "IEND") return;
    at += kChunkOverhead + length;
  }
}

// [begin, end) runs of false in `pad`.
std::vector<std::pair<int64_t, int64_t>> contentRuns(const std::vector<bool>& pad) {
  std::vector<std::pair<int64_t, int64_t>> runs;
  int64_t start = -1;
  for (int64_t i = 0; i <= static_cast<int64_t>(pad.size()); ++i) {
    const bool isPad = i == static_cast<int64_t>(pad.size()) || pad[static_cast<size_t>(i)];
    if (!isPad && start < 0) start = i;
    if (isPad && start >= 0) {
      runs.emplace_back(start, i);
      start = -1;
    }
  }
  return runs;
}

void requireUniform(const std::vector<std::pair<int64_t, int64_t>>& runs, const char* what,
                    const std::string& sourceName) {
  if (runs.empty()) throw FormatError("contact sheet '" + sourceName + "': no cells found (it is all padding)");
  for (const auto& r : runs)
    if (r.second - r.first != runs.front().second - runs.front().first)
      throw FormatError("contact sheet '" + sourceName + "': its " + what + " differ in size (" +
                        std::to_string(runs.front().second - runs.front().first) + " and " +
                        std::to_string(r.second - r.first) + " px); is it a vdstudio contact sheet?");
}

}  // namespace

void writePng(const std::filesystem::path& path, const torch::Tensor& hwcUint8) {
  const auto& t = hwcUint8;
  if (t.scalar_type() != torch::kUInt8 || t.dim() != 3 || t.size(2) < 1 || t.size(2) > 4 || t.size(2) == 2 ||
      t.size(0) < 1 || t.size(1) < 1)
    throw DataError("writePng '" + path.string() + "': expected uint8 [H, W, 1|3|4], got " +
                    std::string(c10::toString(t.scalar_type())) + " " + c10::str(t.sizes()));
  const auto pixels = t.to(torch::kCPU).contiguous();
  const int h = static_cast<int>(pixels.size(0)), w = static_cast<int>(pixels.size(1));
  const int c = static_cast<int>(pixels.size(2));
  if (stbi_write_png(path.string().c_str(), w, h, c, pixels.data_ptr<uint8_t>(), w * c) == 0)
    throw IoError("cannot write PNG '" + path.string() + "'");
}

torch::Tensor readPng(const std::filesystem::path& path) {
  const std::string bytes = readAll(path);
  if (bytes.size() < kPngSignature.size() || std::memcmp(bytes.data(), kPngSignature.data(), kPngSignature.size()) != 0)
    throw FormatError("'" + path.string() + "' is not a PNG file (bad signature)");
  checkPngChunks(bytes, path);
  int w = 0, h = 0, c = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), static_cast<int>(bytes.size()), &w, &h,
                            &c, 0),
      stbi_image_free);
  if (!data) throw FormatError("cannot decode PNG '" + path.string() + "': " + stbi_failure_reason());
  auto out = torch::empty({h, w, c}, torch::kUInt8);
  std::memcpy(out.data_ptr<uint8_t>(), data.get(), static_cast<size_t>(w) * h * c);
  return out;
}

torch::Tensor contactSheet(const std::vector<torch::Tensor>& clips, int scale, int padding) {
  if (clips.empty()) throw DataError("contactSheet: no clips");
  if (scale < 1 || scale > kMaxScale)
    throw DataError("contactSheet: scale " + std::to_string(scale) + " is outside [1, " + std::to_string(kMaxScale) +
                    "]");
  if (padding < 0) throw DataError("contactSheet: negative padding " + std::to_string(padding));
  const int64_t h = clips.front().dim() == 4 ? clips.front().size(1) : 0;
  const int64_t w = clips.front().dim() == 4 ? clips.front().size(2) : 0;
  int64_t maxFrames = 0;
  for (size_t i = 0; i < clips.size(); ++i) {
    const auto& c = clips[i];
    if (c.scalar_type() != torch::kUInt8 || c.dim() != 4 || c.size(0) < 1 || c.size(1) != h || c.size(2) != w ||
        c.size(3) != 3)
      throw DataError("contactSheet: clip " + std::to_string(i) + " is " +
                      std::string(c10::toString(c.scalar_type())) + " " + c10::str(c.sizes()) +
                      "; expected uint8 [F, " + std::to_string(h) + ", " + std::to_string(w) + ", 3]");
    maxFrames = std::max(maxFrames, c.size(0));
  }
  const int64_t cellH = h * scale, cellW = w * scale;
  const int64_t rows = static_cast<int64_t>(clips.size());
  auto sheet = torch::full({rows * cellH + (rows + 1) * padding, maxFrames * cellW + (maxFrames + 1) * padding, 3},
                           kContactSheetPadValue, torch::kUInt8);
  for (int64_t r = 0; r < rows; ++r) {
    const auto clip = clips[static_cast<size_t>(r)].to(torch::kCPU);
    // Nearest upscaling by repetition along height and width.
    const auto big = clip.repeat_interleave(scale, 1).repeat_interleave(scale, 2);
    const int64_t top = padding + r * (cellH + padding);
    for (int64_t f = 0; f < clip.size(0); ++f) {
      const int64_t left = padding + f * (cellW + padding);
      sheet.narrow(0, top, cellH).narrow(1, left, cellW).copy_(big[f]);
    }
  }
  return sheet;
}

std::vector<torch::Tensor> splitContactSheet(const torch::Tensor& sheet, const std::string& sourceName) {
  if (sheet.scalar_type() != torch::kUInt8 || sheet.dim() != 3 || sheet.size(2) < 3)
    throw FormatError("contact sheet '" + sourceName + "': expected an RGB image, got " + c10::str(sheet.sizes()));
  const torch::Tensor rgb = sheet.narrow(2, 0, 3).to(torch::kCPU);
  const torch::Tensor isPad = (rgb == kContactSheetPadValue).all(2);  // [H, W]
  const torch::Tensor padRows = isPad.all(1), padColumns = isPad.all(0);
  std::vector<bool> rows(static_cast<size_t>(rgb.size(0))), columns(static_cast<size_t>(rgb.size(1)));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = padRows[static_cast<int64_t>(i)].item<bool>();
  for (size_t i = 0; i < columns.size(); ++i) columns[i] = padColumns[static_cast<int64_t>(i)].item<bool>();
  const auto rowRuns = contentRuns(rows), columnRuns = contentRuns(columns);
  requireUniform(rowRuns, "rows", sourceName);
  requireUniform(columnRuns, "columns", sourceName);
  std::vector<torch::Tensor> clips;
  for (const auto& [top, bottom] : rowRuns) {
    std::vector<torch::Tensor> frames;
    for (const auto& [left, right] : columnRuns) {
      const torch::Tensor cell = rgb.narrow(0, top, bottom - top).narrow(1, left, right - left);
      if (isPad.narrow(0, top, bottom - top).narrow(1, left, right - left).all().item<bool>()) break;
      frames.push_back(cell);
    }
    if (!frames.empty()) clips.push_back(torch::stack(frames).contiguous());
  }
  return clips;
}

}  // namespace vds
