// Commands down: what a front end asks of a running Trainer (ARCHITECTURE §3).
// The queue is drained between iterations, on the training thread.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace vds {

struct PauseCommand {};
struct ResumeCommand {};
struct StopCommand {};      // finish the iteration, save, exit
struct SampleNowCommand {};
struct SaveNowCommand {};
struct SwapStyleCommand {   // AVDM2: swap the 2D style model of a running run
  std::string packagePath;
  bool reinitFakeScore = true;
};
struct SetLossWeightCommand {
  std::string name;
  double value = 0;
};

using Command = std::variant<PauseCommand, ResumeCommand, StopCommand, SampleNowCommand, SaveNowCommand,
                             SwapStyleCommand, SetLossWeightCommand>;

std::string commandName(const Command& command);

class CommandQueue {
 public:
  void push(Command command);
  std::optional<Command> tryPop();
  // Blocks until a command arrives (used while paused).
  Command waitPop();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Command> queue_;
};

}  // namespace vds
