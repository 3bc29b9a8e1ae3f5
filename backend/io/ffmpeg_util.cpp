#include "io/ffmpeg_util.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "core/log.h"

namespace vds::ffmpeg {
namespace {

// The last error line FFmpeg logged on this thread: FFmpeg's return codes are terse
// ("Invalid data found when processing input"); the log line says what was wrong.
thread_local std::string lastError;

void logCallback(void* avcl, int level, const char* format, va_list args) {
  if (level > av_log_get_level()) return;
  char line[1024];
  int printPrefix = 1;
  av_log_format_line2(avcl, level, format, args, line, sizeof line, &printPrefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return;
  if (level <= AV_LOG_ERROR) {
    // Drop the "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0...] " context prefix: the address means nothing to a user.
    const size_t close = text.front() == '[' ? text.find("] ") : std::string::npos;
    lastError = close == std::string::npos ? text : text.substr(close + 2);
  }
  logger()->debug("ffmpeg: {}", text);
}

}  // namespace

std::string errorText(int averror) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {0};
  if (av_strerror(averror, buffer, sizeof buffer) < 0)
    std::snprintf(buffer, sizeof buffer, "FFmpeg error %d", averror);
  std::string text(buffer);
  if (!lastError.empty()) text += " (" + lastError + ")";
  return text;
}

void clearLastLoggedError() { lastError.clear(); }

void routeLogging() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(logCallback); });
}

}  // namespace vds::ffmpeg
