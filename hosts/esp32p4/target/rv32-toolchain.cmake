# CMake toolchain for the ESP32-P4's instruction set on bare metal: Debian's riscv64-unknown-elf-gcc
# (its rv32imafc/ilp32f multilib) with picolibc, and picolibc's semihosting layer for the console,
# files and the exit code, so qemu-system-riscv32 can run the result with no OS.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_AR riscv64-unknown-elf-ar)
set(CMAKE_RANLIB riscv64-unknown-elf-ranlib)

# No OS to run a test program on during configuration: CMake checks the compiler with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(RV32_ARCH_FLAGS "-march=rv32imafc -mabi=ilp32f --specs=picolibc.specs")
# -O2: ESP-IDF's "optimize for performance" level.
set(CMAKE_C_FLAGS_INIT "${RV32_ARCH_FLAGS} -O2 -ffunction-sections -fdata-sections")
# CMake links with the C flags, so the specs and the ISA come from there.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--oslib=semihost --crt0=semihost")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
