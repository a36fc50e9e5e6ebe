# Install and build steps shared by `up`, `test` and `bench`: Debian
# packages, node modules, the autotools build (always out of tree, in
# var/build and var/build-asan) and the tracker bundle.  Sourced.

# Everything the build, the stack and the tests need on Debian 12.  node and
# npm come with the image (Debian's own nodejs is too old and is not used).
# apache2 and its mod_fcgid are for the test that runs the collector under
# Apache; where services start on install, Debian's own apache2 may take
# port 80, which nothing here uses.  python3-aiosmtpd is the SMTP server of
# the mail tests.
TRACKR_PACKAGES=(
	make gcc autoconf automake libtool pkg-config
	libfcgi-dev libmariadb-dev libmariadb-dev-compat mariadb-server mariadb-client
	libjson-c-dev libssl-dev libcunit1-dev libcurl4-openssl-dev libpsl-dev
	libmaxminddb-dev libargon2-dev nginx-light wrk chromium clang libclang-rt-14-dev curl
	apache2 libapache2-mod-fcgid python3-aiosmtpd
)

BUILD_DIR=$ROOT/var/build
ASAN_BUILD_DIR=$ROOT/var/build-asan
COLLECT_BIN=$BUILD_DIR/cgi/collect/trackr-collect
CTL_BIN=$BUILD_DIR/cgi/ctl/trackrctl
ACCOUNT_BIN=$BUILD_DIR/cgi/account/trackr-account
DASHBOARD_BIN=$BUILD_DIR/cgi/dashboard/trackr-dashboard

ensure_packages() {
	local p status missing=()
	step "checking Debian packages"
	for p in "${TRACKR_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || status=
		[[ $status == installed ]] || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		ok "all ${#TRACKR_PACKAGES[@]} packages installed"
		return 0
	fi
	((EUID == 0)) || die "missing packages: ${missing[*]}; run as root or install them with apt-get"
	info "installing: ${missing[*]}"
	local -a apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
		-o Dpkg::Use-Pty=0 --no-install-recommends)
	local lists
	lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)
	if [[ -z $lists ]] || ! "${apt[@]}" "${missing[@]}"; then
		info "refreshing package lists (apt-get update)"
		apt-get update || die "apt-get update failed"
		"${apt[@]}" "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
	fi
	ok "packages installed"
}

ensure_node_modules() {
	step "checking node modules"
	command -v node >/dev/null && command -v npm >/dev/null ||
		die "node and npm are needed (Node.js 20 is expected on the machine)"
	[[ -f $ROOT/package.json ]] || die "package.json is missing: the tracker build (npm) is not in the tree yet"
	[[ -f $ROOT/package-lock.json ]] ||
		die "package-lock.json is missing: run 'npm install' once and commit the lock file"
	local stamp=$ROOT/node_modules/.package-lock.json
	if [[ -f $stamp && ! $ROOT/package-lock.json -nt $stamp && ! $ROOT/package.json -nt $stamp ]]; then
		ok "node_modules up to date"
		return 0
	fi
	info "npm ci"
	# Browsers come from Debian (chromium); never let a package fetch one.
	(cd "$ROOT" && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
		npm ci --no-audit --no-fund) || die "npm ci failed"
	ok "node modules installed"
}

build_tracker() {
	step "building the tracker (npm run build:tracker)"
	(cd "$ROOT" && npm run --silent build:tracker) || die "npm run build:tracker failed"
	[[ -s $ROOT/public/t.js ]] || die "npm run build:tracker did not produce public/t.js"
	ok "public/t.js ($(stat -c %s "$ROOT/public/t.js") bytes)"
}

# ensure_configure_script: autoreconf in the source tree when configure or
# a Makefile.in is missing or older than what generates it.
ensure_configure_script() {
	local need= f
	step "checking the autotools scripts"
	if [[ -f $ROOT/config.status ]]; then
		die "the source tree is configured in-tree ($ROOT/config.status exists): scripts/trackr builds out of tree in var/build, which automake refuses then; run 'make distclean' at the top of the tree first"
	fi
	if [[ ! -x $ROOT/configure || ! -f $ROOT/Makefile.in ]]; then
		need=missing
	elif [[ $ROOT/configure.ac -nt $ROOT/configure || $ROOT/Makefile.am -nt $ROOT/Makefile.in ]]; then
		need=outdated
	else
		while IFS= read -r f; do
			[[ $f -nt $ROOT/Makefile.in ]] && { need=outdated; break; }
		done < <(find "$ROOT/cgi" "$ROOT/test" -name '*.mk' 2>/dev/null)
	fi
	if [[ -z $need ]]; then
		ok "configure is up to date"
		return 0
	fi
	info "autoreconf -fi (configure $need)"
	(cd "$ROOT" && autoreconf -fi) ||
		die "autoreconf -fi failed (see above): the build files (configure.ac, Makefile.am and the local.mk fragments it includes) are not complete yet"
	ok "configure generated"
}

# configure_build DIR FLAGS...: configures DIR out of tree unless it was
# already configured with the same flags.
configure_build() {
	local dir=$1
	shift
	local flags="$*" stamp=$dir/.trackr-configure-flags
	mkdir -p "$dir"
	if [[ -f $dir/config.status && -f $dir/Makefile && -f $stamp && $(<"$stamp") == "$flags" ]]; then
		return 0
	fi
	info "configuring $(rel "$dir") ($flags)"
	rm -f "$stamp"
	(cd "$dir" && "$ROOT/configure" "$@") >"$dir/configure.out" 2>&1 || {
		tail -n 25 "$dir/configure.out" >&2
		die "configure failed in $(rel "$dir") (full output: $(rel "$dir")/configure.out, config.log)"
	}
	printf '%s' "$flags" >"$stamp"
}

# build_c: the normal build in var/build, as `up`, `test` and `bench` use it.
build_c() {
	with_lock build
	ensure_configure_script
	step "building the C programs (var/build)"
	configure_build "$BUILD_DIR" --enable-werror
	make -C "$BUILD_DIR" --no-print-directory -j2 ||
		die "make failed in var/build (see above): the C programs do not build yet"
	local b
	for b in "$COLLECT_BIN" "$CTL_BIN" "$ACCOUNT_BIN" "$DASHBOARD_BIN"; do
		[[ -x $b ]] || die "the build did not produce $(rel "$b")"
	done
	release_lock build
	ok "built $(rel "$COLLECT_BIN"), $(rel "$ACCOUNT_BIN"), $(rel "$DASHBOARD_BIN") and $(rel "$CTL_BIN")"
}

# install_and_build [--no-node]: the common first half of up/test/bench.
# TRACKR_SKIP_BUILD=1 uses what var/build already holds (for working on the
# scripts themselves).
install_and_build() {
	ensure_packages
	if [[ ${TRACKR_SKIP_BUILD:-0} == 1 ]]; then
		warn "TRACKR_SKIP_BUILD=1: using the programs already in var/build"
		[[ -x $COLLECT_BIN && -x $CTL_BIN && -x $ACCOUNT_BIN && -x $DASHBOARD_BIN ]] ||
			die "var/build has no trackr-collect/trackr-account/trackr-dashboard/trackrctl"
		return 0
	fi
	build_c
	if [[ ${1:-} != --no-node ]]; then
		ensure_node_modules
		build_tracker
	fi
}
