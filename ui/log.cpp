#include "ui/log.h"

namespace spillway {
Q_LOGGING_CATEGORY(lcConsole, "spillway.console", QtWarningMsg)
}  // namespace spillway
