# inferscope_library(<name> GLOBS <patterns…> [PUBLIC <libs…>] [PRIVATE <libs…>])
# A static library (shared with INFERSCOPE_SHARED_LIBS) from the files matching GLOBS (relative
# to the current folder, re-globbed at build time so new files need no CMake edit), aliased
# Inferscope::<name>. A folder with no sources yet becomes an INTERFACE library so the rest of
# the tree still configures.
function(inferscope_library name)
    cmake_parse_arguments(ARG "" "" "GLOBS;PUBLIC;PRIVATE;INCLUDE" ${ARGN})
    set(patterns)
    foreach(g ${ARG_GLOBS})
        list(APPEND patterns ${CMAKE_CURRENT_SOURCE_DIR}/${g})
    endforeach()
    file(GLOB files CONFIGURE_DEPENDS ${patterns})
    list(FILTER files EXCLUDE REGEX "/main\\.cpp$")
    set(sources ${files})
    list(FILTER sources INCLUDE REGEX "\\.cpp$")
    if(NOT ARG_INCLUDE)
        set(ARG_INCLUDE ${CMAKE_CURRENT_SOURCE_DIR})
    endif()
    if(sources)
        if(INFERSCOPE_SHARED_LIBS)
            add_library(inferscope_${name} SHARED ${files})
            # Private libraries of the package, found through the binary's RUNPATH.
            install(TARGETS inferscope_${name} LIBRARY DESTINATION ${INFERSCOPE_PRIVATE_LIBDIR})
        else()
            add_library(inferscope_${name} STATIC ${files})
        endif()
        target_include_directories(inferscope_${name} PUBLIC ${ARG_INCLUDE})
        target_link_libraries(inferscope_${name} PUBLIC inferscope_flags ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
        if(INFERSCOPE_UNITY)
            # Batches of 8 parse Qt's headers once per batch instead of once per file.
            set_target_properties(inferscope_${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
            # GCC takes a batched .cpp for a header and warns that a Private struct uses the
            # file's anonymous namespace; the one-file build (every local build) keeps the check.
            if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
                target_compile_options(inferscope_${name} PRIVATE -Wno-subobject-linkage)
            endif()
        endif()
    else()
        add_library(inferscope_${name} INTERFACE)
        target_include_directories(inferscope_${name} INTERFACE ${ARG_INCLUDE})
        target_link_libraries(inferscope_${name} INTERFACE inferscope_flags ${ARG_PUBLIC})
    endif()
    add_library(Inferscope::${name} ALIAS inferscope_${name})
endfunction()
