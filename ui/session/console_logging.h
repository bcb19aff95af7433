#pragma once
// The console's logging category, "spillway.console" (warnings by default).
#include <QLoggingCategory>

namespace spillway {
Q_DECLARE_LOGGING_CATEGORY(lcConsole)
}  // namespace spillway
