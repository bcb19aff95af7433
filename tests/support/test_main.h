#pragma once
// A shared test main: GUI tests run on the offscreen platform so they pass without a display.
#include <QtTest/QtTest>

#define SPILLWAY_TEST_MAIN(TestClass)                       \
    int main(int argc, char** argv) {                       \
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) \
            qputenv("QT_QPA_PLATFORM", "offscreen");        \
        QApplication app(argc, argv);                       \
        TestClass test_object;                              \
        QTEST_SET_MAIN_SOURCE_PATH                          \
        return QTest::qExec(&test_object, argc, argv);      \
    }
