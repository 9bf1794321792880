// Placeholder until the command dispatcher lands (app/commands).
#include <QCoreApplication>
#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    std::printf("inferscope %s\n", INFERSCOPE_VERSION);
    return 0;
}
