#include "ui/saved_samples.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <regex>

namespace fs = std::filesystem;

namespace vds::ui {

std::optional<SampleEvent> sampleFromSheet(const QImage& sheet, const QJsonObject& layout, QString* error) {
  const int clips = layout.value(QStringLiteral("clips")).toInt();
  const int frames = layout.value(QStringLiteral("frames")).toInt();
  const int height = layout.value(QStringLiteral("height")).toInt();
  const int width = layout.value(QStringLiteral("width")).toInt();
  const int scale = layout.value(QStringLiteral("scale")).toInt(1);
  const int padding = layout.value(QStringLiteral("padding")).toInt(0);
  // The sheet's size as io/image_io.h contactSheet lays it out.
  const int expectedH = clips * height * scale + (clips + 1) * padding;
  const int expectedW = frames * width * scale + (frames + 1) * padding;
  if (clips < 1 || frames < 1 || height < 1 || width < 1 || scale < 1 || padding < 0 || sheet.height() != expectedH ||
      sheet.width() != expectedW) {
    if (error)
      *error = QStringLiteral("sheet is %1x%2 px, its layout says %3x%4")
                   .arg(sheet.width())
                   .arg(sheet.height())
                   .arg(expectedW)
                   .arg(expectedH);
    return std::nullopt;
  }
  const QImage rgb = sheet.convertToFormat(QImage::Format_RGB888);
  SampleEvent e;
  e.label = layout.value(QStringLiteral("label")).toString().toStdString();
  e.clips = clips;
  e.frames = frames;
  e.height = height;
  e.width = width;
  // Sheets written before the rate was recorded play at the default preview rate.
  const double fps = layout.value(QStringLiteral("fps")).toDouble(kDefaultSampleFps);
  e.fps = fps > 0 ? fps : kDefaultSampleFps;
  e.rgb.resize(static_cast<size_t>(clips) * frames * height * width * 3);
  uint8_t* out = e.rgb.data();
  for (int c = 0; c < clips; ++c)
    for (int f = 0; f < frames; ++f)
      for (int y = 0; y < height; ++y) {
        // Nearest-neighbour upscaling repeats each pixel `scale` times: read every scale-th.
        const uchar* line = rgb.constScanLine(padding + c * (height * scale + padding) + y * scale);
        const int left = padding + f * (width * scale + padding);
        for (int x = 0; x < width; ++x) {
          const uchar* px = line + 3 * (left + x * scale);
          *out++ = px[0];
          *out++ = px[1];
          *out++ = px[2];
        }
      }
  for (const QJsonValue& caption : layout.value(QStringLiteral("captions")).toArray())
    e.captions.push_back(caption.toString().toStdString());
  return e;
}

SavedSamples readSavedSamples(const fs::path& runDir) {
  static const std::regex stepFolder("step-([0-9]+)");
  SavedSamples result;
  std::vector<std::pair<int64_t, fs::path>> steps;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(runDir / "samples", ec)) {
    std::smatch m;
    const std::string name = e.path().filename().string();
    if (e.is_directory() && std::regex_match(name, m, stepFolder)) steps.emplace_back(std::stoll(m[1].str()), e.path());
  }
  std::sort(steps.begin(), steps.end());
  for (const auto& [step, dir] : steps) {
    std::vector<fs::path> sheets;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".png") sheets.push_back(e.path());
    std::sort(sheets.begin(), sheets.end());
    for (const fs::path& png : sheets) {
      const QString where = QString::fromStdString(png.string());
      QFile json(QString::fromStdString(fs::path(png).replace_extension(".json").string()));
      if (!json.open(QIODevice::ReadOnly)) {
        result.skipped << QStringLiteral("%1: no layout file beside it").arg(where);
        continue;
      }
      QJsonObject layout = QJsonDocument::fromJson(json.readAll()).object();
      if (!layout.contains(QStringLiteral("label")))
        layout.insert(QStringLiteral("label"), QString::fromStdString(png.stem().string()));
      QString error;
      std::optional<SampleEvent> sample = sampleFromSheet(QImage(where), layout, &error);
      if (!sample) {
        result.skipped << QStringLiteral("%1: %2").arg(where, error);
        continue;
      }
      sample->step = step;
      sample->path = png.string();
      result.samples.push_back(std::move(*sample));
    }
  }
  return result;
}

}  // namespace vds::ui
