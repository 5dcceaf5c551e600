# One place for the language level, warnings and sanitizers: every target links
# petitiond_options instead of setting flags of its own.
add_library(petitiond_options INTERFACE)
target_compile_features(petitiond_options INTERFACE cxx_std_20)
target_include_directories(petitiond_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(petitiond_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wold-style-cast -Wnon-virtual-dtor
  -Wimplicit-fallthrough -Wformat=2)
if(PETITIOND_WERROR)
  target_compile_options(petitiond_options INTERFACE -Werror)
endif()
if(PETITIOND_SANITIZERS)
  # vptr is off: it needs the typeinfo of SOCI's internal classes, which libsoci does
  # not export, so every SOCI statement would fail to link.
  target_compile_options(petitiond_options INTERFACE
    -fsanitize=${PETITIOND_SANITIZERS} -fno-sanitize=vptr -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(petitiond_options INTERFACE -fsanitize=${PETITIOND_SANITIZERS} -fno-sanitize=vptr)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
