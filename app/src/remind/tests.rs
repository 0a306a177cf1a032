#[test]
fn robot_addresses_are_checked() {
    assert!(super::web_address(
        "https://oapi.dingtalk.com/robot/send?access_token=x"
    ));
    assert!(super::web_address("http://127.0.0.1:9000/hook"));
    for bad in [
        "ftp://x",
        "https://",
        "https:///x",
        "javascript:alert(1)",
        "https://a b",
    ] {
        assert!(!super::web_address(bad), "{bad}");
    }
}

#[test]
fn email_addresses_are_checked() {
    assert_eq!(super::check_email("  "), Ok(None));
    assert_eq!(
        super::check_email(" kh@example.gov.cn "),
        Ok(Some("kh@example.gov.cn".into()))
    );
    for bad in [
        "kh",
        "kh@",
        "@x.cn",
        "kh@cn",
        "a b@x.cn",
        "x@y.cn, z@w.cn",
        "<a@b.cn>",
    ] {
        assert!(super::check_email(bad).is_err(), "{bad}");
    }
}
