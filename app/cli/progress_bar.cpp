#include <cstdio>

#include "cli/cli_common.h"

namespace vds::cli {

ProgressBar::ProgressBar(bool interactive) : interactive_(interactive) {}

void ProgressBar::operator()(const ProgressUpdate& u) {
  const double fraction = u.total > 0 ? static_cast<double>(u.done) / static_cast<double>(u.total) : 0.0;
  if (!interactive_) {
    const int decile = static_cast<int>(fraction * 10.0);
    if (decile == lastDecile_) return;
    lastDecile_ = decile;
  }
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "%s%s [%s] %lld/%lld  %.1f/s  elapsed %s  ETA %s%s", interactive_ ? "\r" : "", u.label.c_str(),
               bar.c_str(), static_cast<long long>(u.done), static_cast<long long>(u.total), u.ratePerSecond,
               formatDuration(u.elapsedSeconds).c_str(), formatDuration(u.etaSeconds).c_str(),
               interactive_ ? "\033[K" : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (interactive_ && drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace vds::cli
