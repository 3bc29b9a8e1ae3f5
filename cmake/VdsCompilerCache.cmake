# ccache with settings that survive a fresh clone at another path (CI) and
# precompiled headers. The cache itself lives outside the tree (ccache's default,
# or CCACHE_DIR when set).
find_program(VDS_CCACHE_PROGRAM ccache)
option(VDS_USE_CCACHE "Compile through ccache when it is installed" ON)
if(VDS_USE_CCACHE AND VDS_CCACHE_PROGRAM)
  set(_vds_ccache_env
      "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}"
      "CCACHE_NOHASHDIR=1"
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime")
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env ${_vds_ccache_env} ${VDS_CCACHE_PROGRAM})
  message(STATUS "vdstudio: compiling through ${VDS_CCACHE_PROGRAM} (base dir ${CMAKE_SOURCE_DIR})")
endif()
