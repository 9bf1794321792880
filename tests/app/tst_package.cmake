# The Debian package end to end (cmake -P, from tests/app/CMakeLists.txt): cpack the build tree
# into a scratch folder, unpack the .deb into a scratch root with dpkg-deb, run the installed
# binary from there and validate the installed desktop entry, metainfo and user unit.
# In: CPACK, CPACK_CONFIG, WORK_DIR, VERSION, APP_ID, and PRIVATE_LIBDIR (relative to /usr) in a
# build with shared libraries (INFERSCOPE_SHARED_LIBS, the sanitizer builds).
cmake_minimum_required(VERSION 3.25)

function(fail)
    string(JOIN "" message ${ARGN})
    message(FATAL_ERROR "tst_package: ${message}")
endfunction()

# run(<output var> COMMAND ...): runs the command, fails the test on a non-zero exit.
function(run out)
    execute_process(${ARGN} OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " command "${ARGN}")
        fail("`${command}` exited with ${rc}:\n${output}")
    endif()
    set(${out} "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(root ${WORK_DIR}/root)
file(MAKE_DIRECTORY ${root})

# Uncompressed: this checks what goes into the package; `make package` compresses with xz.
string(TIMESTAMP started "%s")
run(_ COMMAND ${CPACK} -G DEB --config ${CPACK_CONFIG} -B ${WORK_DIR}/out
              -D CPACK_DEBIAN_COMPRESSION_TYPE=none)
string(TIMESTAMP packed "%s")
file(GLOB debs ${WORK_DIR}/out/*.deb)
list(LENGTH debs count)
if(NOT count EQUAL 1)
    fail("expected one .deb in ${WORK_DIR}/out, found ${count}: ${debs}")
endif()
get_filename_component(deb_name ${debs} NAME)
if(NOT deb_name MATCHES "^inferscope_${VERSION}-[0-9]+_[a-z0-9]+\\.deb$")
    fail("unexpected package file name ${deb_name}")
endif()

# The control fields: dpkg-shlibdeps found the libraries, and the plugins are named by hand.
run(depends COMMAND dpkg-deb --field ${debs} Depends)
foreach(dep libqt6core6 libqt6widgets6 libc6 libqt6sql6-sqlite qt6-qpa-plugins)
    if(NOT depends MATCHES "(^|[ ,])${dep}([ ,(]|\n|$)")
        fail("Depends lacks ${dep}: ${depends}")
    endif()
endforeach()

run(_ COMMAND dpkg-deb --extract ${debs} ${root})
set(expected
    usr/bin/inferscope
    usr/share/applications/${APP_ID}.desktop
    usr/share/metainfo/${APP_ID}.metainfo.xml
    usr/share/icons/hicolor/scalable/apps/${APP_ID}.svg
    usr/lib/systemd/user/inferscope-collector.service
    usr/share/doc/inferscope/copyright
    usr/share/doc/inferscope/changelog.Debian.gz
    usr/share/man/man1/inferscope.1.gz)
foreach(size 16 32 48 64 128 256)
    list(APPEND expected usr/share/icons/hicolor/${size}x${size}/apps/${APP_ID}.png)
endforeach()
foreach(file ${expected})
    if(NOT EXISTS ${root}/${file})
        fail("the package does not install /${file}")
    endif()
endforeach()

# The installed binary runs from its installed path (LD_LIBRARY_PATH as the caller has it).
run(version COMMAND ${root}/usr/bin/inferscope --version)
if(NOT version STREQUAL "inferscope ${VERSION}\n")
    fail("`inferscope --version` printed '${version}', expected 'inferscope ${VERSION}'")
endif()
# Stripped; a static build carries no RPATH/RUNPATH (it finds its libraries where Debian puts
# them), a shared one only the way to its private libraries, which are stripped too.
set(binaries ${root}/usr/bin/inferscope)
if(PRIVATE_LIBDIR)
    file(GLOB libs ${root}/usr/${PRIVATE_LIBDIR}/libinferscope_*.so)
    if(NOT libs)
        fail("a shared build's package installs no library in /usr/${PRIVATE_LIBDIR}")
    endif()
    list(APPEND binaries ${libs})
endif()
foreach(binary ${binaries})
    run(sections COMMAND readelf --section-headers --wide ${binary})
    if(sections MATCHES "\\.symtab|\\.debug_info")
        fail("${binary} is not stripped")
    endif()
    run(dynamic COMMAND readelf --dynamic ${binary})
    if(PRIVATE_LIBDIR)
        if(NOT dynamic MATCHES "RUNPATH\\)[^\n]*\\[\\$ORIGIN:\\$ORIGIN/\\.\\./${PRIVATE_LIBDIR}\\]")
            fail("${binary} does not find the private libraries by RUNPATH $ORIGIN/../${PRIVATE_LIBDIR}:\n"
                 "${dynamic}")
        endif()
    elseif(dynamic MATCHES "RPATH|RUNPATH")
        fail("${binary} carries an RPATH/RUNPATH:\n${dynamic}")
    endif()
endforeach()

# The installed metadata validates without a single remark.
run(appstream COMMAND appstreamcli validate --pedantic --no-net
                      ${root}/usr/share/metainfo/${APP_ID}.metainfo.xml)
if(appstream MATCHES "(^|\n)[EWIP]: ")
    fail("appstreamcli validate --pedantic has remarks:\n${appstream}")
endif()
run(desktop COMMAND desktop-file-validate ${root}/usr/share/applications/${APP_ID}.desktop)
if(NOT desktop STREQUAL "")
    fail("desktop-file-validate has remarks:\n${desktop}")
endif()

# The user unit: nothing a user manager cannot provide, no built-in end.
file(READ ${root}/usr/lib/systemd/user/inferscope-collector.service unit)
string(REGEX REPLACE "(^|\n)#[^\n]*" "" unit "${unit}")
if(unit MATCHES "network-online\\.target|--duration|--once")
    fail("the collector unit orders after network-online.target or ends by itself:\n${unit}")
endif()
if(NOT unit MATCHES "\nExecStart=/usr/bin/inferscope collect ")
    fail("the collector unit does not start /usr/bin/inferscope collect:\n${unit}")
endif()

# systemd's own check of the unit, as a user manager reads it: a copy whose ExecStart names the
# scratch root's binary (verify wants it executable), with a runtime dir of its own.
file(MAKE_DIRECTORY ${WORK_DIR}/unit ${WORK_DIR}/runtime)
file(READ ${root}/usr/lib/systemd/user/inferscope-collector.service unit)
string(REPLACE "ExecStart=/usr/bin/" "ExecStart=${root}/usr/bin/" unit "${unit}")
file(WRITE ${WORK_DIR}/unit/inferscope-collector.service "${unit}")
run(verify COMMAND ${CMAKE_COMMAND} -E env XDG_RUNTIME_DIR=${WORK_DIR}/runtime
                   systemd-analyze --user verify ${WORK_DIR}/unit/inferscope-collector.service)
if(NOT verify STREQUAL "")
    fail("systemd-analyze --user verify has remarks:\n${verify}")
endif()

string(TIMESTAMP finished "%s")
math(EXPR pack_s "${packed} - ${started}")
math(EXPR check_s "${finished} - ${packed}")
message(STATUS "tst_package: ${deb_name}: cpack ${pack_s} s, checks ${check_s} s")
file(REMOVE_RECURSE ${WORK_DIR})
